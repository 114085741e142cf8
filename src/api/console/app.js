// The staff console: a dependency-free module over the JSON API under /v1. Pages are built
// with DOM calls, never parsed from markup, the URL holds each page's state, and a signed-in
// session is an HttpOnly cookie this script never sees; writes send its CSRF token.

const TIER_ZH = { A: "A 重点推广", B: "B 推广", C: "C 储备", D: "D 评估是否维持", lapsed: "失效", unscored: "未评分" };
const STATUS_ZH = { pending: "审中", in_force: "有效", lapsed: "失效", expired: "期限届满", invalidated: "无效" };
const TYPE_ZH = { invention: "发明", utility_model: "实用新型", design: "外观设计" };
const FACET_ZH = { institution: "高校", industry: "产业", tier: "等级", ipc_section: "IPC 部", patent_type: "类型", legal_status: "法律状态", year: "申请年" };
const FACET_PARAM = { institution: "institution", industry: "industry", tier: "tier", ipc_section: "ipc", patent_type: "patent_type", legal_status: "status", year: "year" };
const SORTS = [["relevance", "相关度"], ["value", "价值分"], ["industry_rank", "产业排名"], ["newest", "最新申请"]];

const FIELD_ZH = { application_number: "申请号", publication_numbers: "公开号", patent_type: "专利类型", title: "标题",
  abstract: "摘要", claims: "权利要求书", first_claim: "首项权利要求", description: "说明书", ipc: "IPC分类号", applicants: "申请人",
  current_assignees: "当前权利人", inventors: "发明人", application_date: "申请日", publication_date: "公开日", grant_date: "授权日",
  legal_status: "法律状态", lapse_date: "失效日", events: "法律事件", cited_patents: "引证专利", citing_patents: "被引证专利",
  forward_citations: "被引证次数", family_members: "同族专利", family_countries: "同族国家", maturity: "技术成熟度",
  problem_solved: "解决的问题", advantages: "技术优势", licence_terms: "许可条件" };

let session = null;

/** Creates an element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const BATCH_ZH = { queued: "排队中", processing: "处理中", accepted: "已接收", rejected: "未接收", failed: "处理失败", quarantined: "已隔离" };
/** What each HTTP status means to the person who sent the request. */
const PROBLEM_ZH = { 400: "请求有误", 401: "需要登录，或密钥无效", 403: "当前账号无权执行此操作", 404: "未找到",
  409: "与已有数据冲突", 413: "文件太大", 415: "不支持的文件类型", 422: "文件无法读取", 429: "请求太频繁，请稍后再试",
  500: "服务器出错（已记录），请稍后再试", 503: "服务暂时繁忙，请稍后再试", 507: "服务器磁盘已满，未保存任何内容" };
/** The request parameters and fields the API names, as a reader knows them. */
const PARAM_ZH = { q: "检索式", query: "检索式", sort: "排序", limit: "条数", cursor: "翻页位置", tier: "等级", industry: "产业", institution: "高校",
  patent_type: "专利类型", type: "专利类型", status: "法律状态", ipc: "IPC 分类号", year: "申请年", year_from: "起始申请年",
  year_to: "截止申请年", title: "需求名称", description: "需求描述", key: "API 密钥", body: "文件", format: "文件格式",
  source_name: "文件名", id: "编号", include_lapsed: "包含失效专利", errors_offset: "错误起始行", errors_limit: "每页错误数", ...FIELD_ZH };

/** A problem+json reply as one readable sentence: what kind of problem, which parameter, and the server's detail. */
function problemText(problem, status) {
  const lead = PROBLEM_ZH[status] || `请求失败（HTTP ${status}）`;
  if (!problem) return `${lead}。`;
  const where = problem.parameter ? `：「${PARAM_ZH[problem.parameter] || problem.parameter}」` : "";
  const detail = problem.detail || problem.title;
  return `${lead}${where}。${detail ? `详情：${detail}` : ""}`;
}

class ApiFailure extends Error {
  constructor(message, status, problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls the API; writes carry the session's CSRF token. */
async function api(path, { method = "GET", body, type } = {}) {
  const headers = {};
  if (method !== "GET" && session) headers["X-CSRF-Token"] = session.csrf_token;
  if (body !== undefined && !(body instanceof FormData)) {
    // A form sets its own multipart Content-Type with the boundary.
    headers["Content-Type"] = type || "application/json";
    if (!type) body = JSON.stringify(body);
  }
  const reply = await fetch(path, { method, headers, body, credentials: "same-origin" });
  if (reply.status === 204) return null;
  const json = (reply.headers.get("content-type") || "").includes("json") ? await reply.json() : null;
  if (reply.status === 401 && !path.startsWith("/v1/session") && location.pathname !== "/sign-in") {
    // A private library, or a session that ended: sign in, then come back here.
    session = null;
    renderWho();
    navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  if (!reply.ok) throw new ApiFailure(problemText(json, reply.status), reply.status, json);
  return json;
}

/** Replaces a node's children with `children` (nested arrays flattened, empty ones dropped). */
function put(parent, ...children) {
  parent.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : String(c))));
}

function errorBox(error) {
  return el("p", { class: "error", role: "alert" }, error.message || String(error));
}

/**
 * Shows an API error next to the control its parameter names (`controls` maps parameter
 * names to inputs), marking that control invalid; otherwise in `fallback`.
 */
function showError(error, fallback, controls = {}) {
  for (const old of document.querySelectorAll(".field-error")) old.remove();
  for (const input of Object.values(controls)) {
    input.removeAttribute("aria-invalid");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((d) => d && !d.endsWith("-error"));
    if (described.length) input.setAttribute("aria-describedby", described.join(" ")); else input.removeAttribute("aria-describedby");
  }
  const input = controls[error.problem?.parameter];
  if (!input) {
    put(fallback, errorBox(error));
    return;
  }
  put(fallback);
  const box = errorBox(error);
  box.id = `${input.id}-error`;
  box.classList.add("field-error");
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), box.id].filter(Boolean).join(" "));
  (input.closest(".field") || input.parentElement).append(box);
  input.focus();
}

function badge(tier) {
  if (!tier) return null;
  return el("span", { class: `badge tier-${tier}` }, TIER_ZH[tier] || tier);
}

/** Snippet text with its matched byte ranges marked. */
function highlighted(snippet) {
  const bytes = new TextEncoder().encode(snippet.text);
  const decode = (a, b) => new TextDecoder().decode(bytes.slice(a, b));
  const out = [];
  let at = 0;
  for (const [start, end] of snippet.ranges) {
    out.push(decode(at, start), el("mark", {}, decode(start, end)));
    at = end;
  }
  out.push(decode(at, bytes.length));
  return out;
}

function statusText(status, lapseDate) {
  if (!status) return null;
  const label = STATUS_ZH[status] || status;
  return lapseDate && !["pending", "in_force"].includes(status) ? `${label}（失效日 ${lapseDate}）` : label;
}

function link(href, text) {
  return el("a", { href, "data-nav": true }, text);
}

function setTitle(text) {
  document.title = `${text} · 高价值专利库`;
}

// ---------------------------------------------------------------- pages

async function signInPage(main) {
  setTitle("登录");
  const message = el("div", { "aria-live": "polite" });
  const key = el("input", { id: "key", name: "key", type: "password", autocomplete: "current-password", required: true, size: 72 });
  const form = el("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    put(message);
    try {
      session = await api("/v1/session", { method: "POST", body: { key: key.value.trim() } });
      key.value = "";
      renderWho();
      navigate(new URLSearchParams(location.search).get("next") || "/search");
    } catch (error) {
      put(message, errorBox(error.status === 401 ? new Error("API 密钥无效或已吊销，请检查后重试。") : error));
      key.focus();
    }
  } },
    el("div", { class: "field" }, el("label", { for: "key" }, "API 密钥"), key,
      el("span", { class: "help" }, "由管理员用 patscreen keys create 发放；登录后密钥只用于换取会话，不保存在页面中。")),
    el("button", { type: "submit" }, "登录"),
    message);
  put(main, el("h1", {}, "登录"), form);
  key.focus();
}

function searchForm(params) {
  const q = el("input", { id: "q", name: "q", type: "search", value: params.get("q") || "", "aria-describedby": "syntax-help" });
  const sort = el("select", { id: "sort", name: "sort" },
    SORTS.map(([value, label]) => el("option", { value, selected: (params.get("sort") || "relevance") === value }, label)));
  const form = el("form", { class: "searchbar", role: "search", onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    next.set("q", q.value.trim());
    next.set("sort", sort.value);
    next.delete("cursor");
    navigate(`/search?${next}`);
  } },
    el("div", { class: "field grow" }, el("label", { for: "q" }, "检索式"), q),
    el("div", { class: "field" }, el("label", { for: "sort" }, "排序"), sort),
    el("div", { class: "field" }, el("button", { type: "submit" }, "检索")));
  const help = el("details", { class: "syntax", id: "syntax-help" }, el("summary", {}, "检索语法"),
    el("ul", {},
      el("li", {}, "多个词默认同时满足：", el("code", {}, "锂电池 正极材料")),
      el("li", {}, "短语加引号：", el("code", {}, "\"固态电解质\"")),
      el("li", {}, "或、非、括号：", el("code", {}, "(激光 OR 光纤) NOT 医疗")),
      el("li", {}, "字段：", el("code", {}, "ipc:H01M inst:清华大学 type:发明 status:有效 ap:某公司 ti:传感器"))));
  return [form, help];
}

async function searchPage(main, params) {
  setTitle("检索");
  const body = el("div", { "aria-live": "polite" });
  put(main, el("h1", {}, "专利检索"), ...searchForm(params), body);
  if (!params.get("q")) {
    body.append(el("p", { class: "help" }, "输入技术词、申请人或分类号开始检索；结果可按价值分、产业排名排序，并用左侧条件筛选。"));
    return;
  }
  const query = new URLSearchParams(params);
  query.set("facets", "true");
  query.set("limit", "10");
  let results;
  try {
    results = await api(`/v1/search?${query}`);
  } catch (error) {
    const q = document.getElementById("q");
    showError(error, body, { q, query: q, sort: document.getElementById("sort") });
    return;
  }
  const facets = el("aside", { class: "facets", "aria-label": "筛选条件" });
  for (const [dimension, counts] of Object.entries(results.facets || {})) {
    const param = FACET_PARAM[dimension];
    const chosen = new Set(param === "year"
      ? [params.get("year_from")].filter((y) => y && y === params.get("year_to"))
      : (params.get(param) || "").split(",").filter(Boolean));
    const chips = counts.slice(0, 12).map(([value, count]) => {
      const on = chosen.has(value);
      const label = dimension === "tier" ? TIER_ZH[value] || value
        : dimension === "legal_status" ? STATUS_ZH[value] || value
        : dimension === "patent_type" ? TYPE_ZH[value] || value : value;
      return el("li", {}, el("button", { type: "button", class: "chip", "aria-pressed": on ? "true" : "false", onclick: () => {
        const next = new URLSearchParams(params);
        const set = new Set(chosen);
        if (on) set.delete(value); else set.add(value);
        if (param === "year") {
          next.delete("year");
          if (set.size) { next.set("year_from", value); next.set("year_to", value); } else { next.delete("year_from"); next.delete("year_to"); }
        } else if (set.size) next.set(param, [...set].join(",")); else next.delete(param);
        next.delete("cursor");
        navigate(`/search?${next}`);
      } }, `${label} ${count}`));
    });
    facets.append(el("h2", {}, FACET_ZH[dimension] || dimension), el("ul", { class: "chips" }, chips));
  }
  const list = el("ol", { class: "hits" }, results.hits.map((hit) => el("li", { class: "hit" },
    el("h3", {}, link(`/patents/${encodeURIComponent(hit.application_number)}`, hit.snippets?.title ? highlighted(hit.snippets.title) : hit.title)),
    el("div", { class: "meta" },
      badge(hit.tier),
      hit.value !== undefined ? el("span", {}, `价值分 ${hit.value.toFixed(2)}`) : null,
      el("span", {}, hit.application_number),
      hit.institution ? el("span", {}, hit.institution) : null,
      hit.legal_status ? el("span", {}, statusText(hit.legal_status, hit.lapse_date)) : null,
      hit.remaining_years !== undefined ? el("span", {}, `剩余 ${hit.remaining_years} 年`) : null,
      hit.industries?.length ? el("span", {}, hit.industries.join("、")) : null),
    hit.snippets?.abstract ? el("p", {}, highlighted(hit.snippets.abstract)) : null,
    hit.missing_concepts?.length ? el("p", { class: "help" }, `未命中：${hit.missing_concepts.join("、")}`) : null)));
  const notes = [];
  if (results.relaxed) {
    notes.push(el("p", { class: "note" }, `同时满足全部 ${results.relaxed.of} 个检索条件的专利不足，已放宽：以下结果至少命中 ${results.relaxed.matched} 个条件，按命中条件数和相关度排序；每条结果注明未命中的条件。`));
  }
  for (const e of results.expansions || []) notes.push(el("p", { class: "help" }, `「${e.concept}」也匹配了：${e.also_matched.join("、")}`));
  if (results.unscored_note) notes.push(el("p", { class: "note" }, results.unscored_note));
  const pager = el("div", { class: "pager" },
    params.get("cursor") ? el("button", { type: "button", class: "plain", onclick: () => history.back() }, "上一页") : null,
    results.next_cursor ? el("button", { type: "button", onclick: () => {
      const next = new URLSearchParams(params);
      next.set("cursor", results.next_cursor);
      navigate(`/search?${next}`);
    } }, "下一页") : null,
    el("span", { class: "help" }, `第 ${results.offset + 1}–${results.offset + results.hits.length} 条`));
  put(body,
    el("p", { id: "total" }, `共 ${results.total} 件专利`),
    ...notes,
    el("div", { class: "layout" }, facets, el("section", { "aria-label": "检索结果" }, list, pager)));
}

function recordList(patent) {
  const rows = [
    ["申请号", patent.application_number],
    ["公开号", (patent.publication_numbers || []).join("；")],
    ["专利类型", TYPE_ZH[patent.patent_type] || patent.patent_type],
    ["法律状态", statusText(patent.legal_status, patent.lapse_date)],
    ["申请日", patent.application_date],
    ["授权日", patent.grant_date],
    ["申请人", (patent.applicants || []).join("；")],
    ["当前权利人", (patent.current_assignees || []).join("；")],
    ["发明人", (patent.inventors || []).join("；")],
    ["IPC", (patent.ipc || []).join(" ")],
    ["被引证次数", patent.forward_citations],
    ["技术成熟度", patent.maturity],
  ].filter(([, value]) => value !== undefined && value !== null && value !== "");
  return el("dl", { class: "record" }, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))]));
}

function scoreCard(card) {
  const top = card.value === null || card.value === undefined
    ? el("p", { class: "note" }, card.unscored?.reason || "未评分")
    : el("p", {}, el("span", { class: "value" }, card.value.toFixed(2)), " / 100 ", badge(card.tier), " ",
      card.tier_role, card.lapse_date ? `（失效日 ${card.lapse_date}）` : "",
      el("br"), `高于库内 ${Math.round(card.value_percentile * 100)}% 的已评分专利；与「${card.cohort}」的 ${card.cohort_size} 件专利比较；置信度${card.confidence_level}`);
  const max = Math.max(...card.dimensions.map((d) => d.weight * 100), 1);
  const bars = el("ul", { class: "bars", "aria-label": "各维度得分" }, card.dimensions.map((d) => {
    const bar = el("span", { class: "bar", role: "img", "aria-label": `${d.name} ${d.points} 分，满分 ${Math.round(d.weight * 100)}` });
    bar.style.width = `${(100 * d.points) / max}%`;
    return el("li", {}, el("span", {}, d.name), el("span", {}, bar), el("span", { class: "num" }, `${d.points} 分`));
  }));
  const mark = { yes: "✓", no: "✗", unknown: "?", not_applicable: "–" };
  return el("section", { class: "card", "aria-labelledby": "card-h" },
    el("h2", { id: "card-h" }, "价值评分"), top, bars,
    card.drivers?.length ? [el("h3", {}, "加分原因"), el("ul", {}, card.drivers.map((d) => el("li", {}, d)))] : null,
    card.drags?.length ? [el("h3", {}, "减分原因"), el("ul", {}, card.drags.map((d) => el("li", {}, d)))] : null,
    card.data_gaps?.length ? [el("h3", {}, "数据缺口"), el("ul", {}, card.data_gaps.map((d) => el("li", {}, d)))] : null,
    el("h3", {}, "国家知识产权局高价值发明专利"),
    el("ul", {}, card.policy.map((p) => el("li", {}, `${mark[p.check] || "?"} ${p.category}：${p.evidence}`))),
    el("h3", {}, "所属产业"),
    el("ul", {}, card.industries.map((i) => el("li", {}, `${i.name}（匹配度 ${i.fit.toFixed(1)}）：${i.evidence.join("；")}`))));
}

async function patentPage(main, number) {
  setTitle(number);
  put(main, el("p", {}, "加载中…"));
  let reply;
  try {
    reply = await api(`/v1/patents/${encodeURIComponent(number)}`);
  } catch (error) {
    put(main, el("h1", {}, number), errorBox(error));
    return;
  }
  const { patent, score_card: card } = reply;
  const similar = el("section", {}, el("h2", {}, "相似专利"), el("p", { class: "help" }, "加载中…"));
  const demands = el("section", { id: "served-demands" }, el("h2", {}, "可服务的企业需求"), el("p", { class: "help" }, "加载中…"));
  put(main,
    el("h1", {}, patent.title), recordList(patent),
    patent.abstract ? [el("h2", {}, "摘要"), el("p", {}, patent.abstract)] : null,
    card ? scoreCard(card) : null, similar, demands);
  api(`/v1/patents/${encodeURIComponent(number)}/similar?limit=5`).then((r) => {
    put(similar, el("h2", {}, "相似专利"), el("ul", {}, r.similar.map((s) =>
      el("li", {}, link(`/patents/${encodeURIComponent(s.application_number)}`, s.title), ` ${s.institution || ""}`))));
  }, (error) => similar.append(errorBox(error)));
  if (!session) {
    // Demands are enterprises' own words: they are shown to signed-in users only.
    put(demands, el("h2", {}, "可服务的企业需求"), el("p", { class: "help" }, signInFor("查看本专利可服务的企业需求")));
    return;
  }
  api(`/v1/patents/${encodeURIComponent(number)}/demands?limit=5`).then((r) => {
    put(demands, el("h2", {}, "可服务的企业需求"), r.demands.length
      ? el("ul", {}, r.demands.map((d) => el("li", {}, link(`/demands/${d.demand.id}`, d.demand.title), `（匹配度 ${d.score.toFixed(2)}）`,
        d.reasons?.areas?.length ? `　同属技术领域：${d.reasons.areas.join("、")}` : null)))
      : el("p", { class: "help" }, "暂无匹配的企业需求。"));
  }, (error) => demands.append(errorBox(error)));
}

/** A bar chart of counts (largest first unless `keep`), labelled by `label`. */
function countBars(counts, label = (k) => k, caption = "", keep = false) {
  const entries = Object.entries(counts);
  if (!keep) entries.sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return el("ul", { class: "bars", "aria-label": caption }, entries.map(([key, n]) => {
    const bar = el("span", { class: "bar", role: "img", "aria-label": `${label(key)} ${n}` });
    bar.style.width = `${(100 * n) / max}%`;
    return el("li", {}, el("span", {}, label(key)), el("span", {}, bar), el("span", { class: "num" }, `${n}`));
  }));
}

function tierBars(tiers) {
  const total = Object.values(tiers).reduce((a, b) => a + b, 0) || 1;
  return el("ul", { class: "bars" }, Object.entries(tiers).map(([tier, n]) => {
    const bar = el("span", { class: `bar tier-${tier}`, role: "img", "aria-label": `${TIER_ZH[tier] || tier} ${n} 件` });
    bar.style.width = `${(100 * n) / total}%`;
    return el("li", {}, el("span", {}, TIER_ZH[tier] || tier), el("span", {}, bar), el("span", { class: "num" }, `${n}`));
  }));
}

async function industriesPage(main) {
  setTitle("产业");
  let list;
  try {
    list = await api("/v1/industries");
  } catch (error) {
    put(main, el("h1", {}, "产业与推荐清单"), errorBox(error));
    return;
  }
  const rows = list.industries.map((i) => el("tr", {},
    el("td", {}, link(`/industries/${encodeURIComponent(i.name)}`, i.name)),
    el("td", { class: "num" }, i.patents), el("td", { class: "num" }, i.available),
    ...["A", "B", "C", "D", "lapsed", "unscored"].map((t) => el("td", { class: "num" }, i.tiers[t] ?? 0))));
  const counts = Object.fromEntries(list.industries.map((i) => [i.name, i.available]));
  put(main, el("h1", {}, "北京十大高精尖产业"),
    el("h2", {}, "各产业可推广专利数"), countBars(counts, (k) => k, "各产业可推广专利数"),
    el("h2", {}, "专利数与等级分布"),
    el("table", {}, el("caption", { class: "visually-hidden" }, "各产业专利数与等级分布"),
      el("thead", {}, el("tr", {}, ["产业", "专利", "可推广", "A", "B", "C", "D", "失效", "未评分"].map((h, k) => el("th", { scope: "col", class: k ? "num" : null }, h)))),
      el("tbody", {}, rows)));
}

async function shortlistPage(main, name, params) {
  setTitle(name);
  const query = new URLSearchParams(params);
  query.set("limit", query.get("limit") || "50");
  const base = `/v1/industries/${encodeURIComponent(name)}/shortlist`;
  let list;
  try {
    list = await api(`${base}?${query}`);
  } catch (error) {
    put(main, el("h1", {}, name), errorBox(error));
    return;
  }
  const exportQuery = new URLSearchParams(params);
  exportQuery.delete("limit");
  const exports = el("p", { class: "no-print" }, "导出全部：",
    ["csv", "xlsx", "parquet"].map((format) => {
      exportQuery.set("format", format);
      return [el("a", { class: "button plain", href: `${base}?${exportQuery}`, download: `${name}.${format}` }, format.toUpperCase()), " "];
    }));
  const lapsed = params.get("include_lapsed") === "true";
  const institution = el("input", { id: "f-inst", name: "institution", value: params.get("institution") || "", size: 16 });
  const tier = el("select", { id: "f-tier", name: "tier" },
    el("option", { value: "" }, "全部等级"),
    ["A", "B", "C", "D"].map((t) => el("option", { value: t, selected: params.get("tier") === t }, TIER_ZH[t])));
  const filters = el("form", { class: "row no-print", onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    for (const [key, input] of [["institution", institution], ["tier", tier]]) {
      if (input.value.trim()) next.set(key, input.value.trim()); else next.delete(key);
    }
    navigate(`/industries/${encodeURIComponent(name)}?${next}`);
  } },
    el("div", { class: "field" }, el("label", { for: "f-inst" }, "高校"), institution),
    el("div", { class: "field" }, el("label", { for: "f-tier" }, "等级"), tier),
    el("div", { class: "field" }, el("button", { type: "submit" }, "筛选")));
  put(main,
    el("h1", {}, `${name} · 推荐清单`),
    el("p", {}, `共 ${list.total} 件可推广专利`, list.unscored ? `（另有 ${list.unscored} 件未评分，未列入）` : ""),
    filters,
    el("p", { class: "no-print" }, el("button", { type: "button", class: "plain", onclick: () => {
      const next = new URLSearchParams(params);
      if (lapsed) next.delete("include_lapsed"); else next.set("include_lapsed", "true");
      navigate(`/industries/${encodeURIComponent(name)}?${next}`);
    } }, lapsed ? "不含失效专利" : "包含失效专利")),
    exports,
    el("table", {}, el("thead", {}, el("tr", {}, ["排名", "专利", "高校", "价值分", "等级", "剩余年限", "理由"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, list.rows.map((r) => el("tr", {},
        el("td", { class: "num" }, r.rank),
        el("td", {}, link(`/patents/${encodeURIComponent(r.application_number)}`, r.title)),
        el("td", {}, r.institution),
        el("td", { class: "num" }, r.value?.toFixed(2) ?? "—"),
        el("td", {}, badge(r.tier)),
        el("td", { class: "num" }, r.remaining_years?.toFixed(1) ?? "—"),
        el("td", {}, (r.reasons || []).slice(0, 2).join("；")))))));
}

/** The file extensions a batch may have (the server reads the format from the name). */
const FORMATS = ["csv", "tsv", "txt", "jsonl", "ndjson", "json", "xlsx", "xlsm", "xls", "ods", "parquet", "pq"];

async function batchesPage(main) {
  setTitle("批次提交");
  if (!session || session.role === "reader") {
    put(main, el("h1", {}, "批次提交"), el("p", { class: "note" }, "只有提交单位（submitter）和管理员可以提交批次。"));
    return;
  }
  const status = el("div", { "aria-live": "polite" });
  const file = el("input", { id: "file", type: "file", accept: ".csv,.tsv,.jsonl,.json,.xlsx,.xls,.parquet" });
  const institution = session.role === "admin"
    ? el("div", { class: "field" }, el("label", { for: "inst" }, "代提交高校"), el("input", { id: "inst", name: "institution", required: true }))
    : el("p", {}, `提交单位：${session.institution}`);
  const send = async (chosen) => {
    if (!chosen) return;
    const ext = chosen.name.split(".").pop().toLowerCase();
    if (!FORMATS.includes(ext)) {
      put(status, errorBox(new Error(`无法识别文件类型「.${ext}」：请提交 CSV、XLSX、JSONL 或 Parquet。`)));
      return;
    }
    // A multipart form: the file with its name, and the settings as fields.
    const form = new FormData();
    if (session.role === "admin") form.append("institution", document.getElementById("inst").value.trim());
    if (document.getElementById("all-or-nothing").checked) form.append("all_or_nothing", "true");
    form.append("file", chosen, chosen.name);
    put(status, el("p", {}, `正在上传 ${chosen.name}…`));
    try {
      const queued = await api("/v1/batches", { method: "POST", body: form });
      navigate(`/batches/${queued.id}`);
    } catch (error) {
      const inst = document.getElementById("inst");
      showError(error, status, inst ? { institution: inst, file } : { file });
    }
  };
  const drop = el("div", { class: "drop", ondragover: (e) => { e.preventDefault(); drop.classList.add("over"); },
    ondragleave: () => drop.classList.remove("over"),
    ondrop: (e) => { e.preventDefault(); drop.classList.remove("over"); send(e.dataTransfer.files[0]); } },
    "把文件拖到这里，或 ", el("label", { for: "file" }, "选择文件"), " ", file);
  const form = el("form", { class: "card", id: "upload", onsubmit: (e) => { e.preventDefault(); send(file.files[0]); } },
    el("h2", {}, "提交一个批次"), institution, drop,
    el("div", { class: "check" }, el("input", { id: "all-or-nothing", type: "checkbox" }),
      el("label", { for: "all-or-nothing" }, "有错误行时整批不接收（否则只跳过有错误的行）")),
    el("p", { class: "help" }, "支持 incoPat / 智慧芽导出表、CSV、XLSX、JSONL、Parquet；同一专利的新数据只更新所带字段。"),
    el("button", { type: "submit" }, "提交"), status);
  put(main, el("h1", {}, "批次"), form, el("h2", {}, "已提交批次"), el("div", { id: "batch-list" }, "加载中…"));
  try {
    const list = await api("/v1/batches");
    put(document.getElementById("batch-list"), el("table", {},
      el("thead", {}, el("tr", {}, ["编号", "高校", "文件", "状态", "提交时间"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, list.batches.slice().reverse().map((b) => el("tr", {},
        el("td", {}, link(`/batches/${b.id}`, String(b.id))), el("td", {}, b.institution), el("td", {}, b.source_name),
        el("td", {}, BATCH_ZH[b.status] || b.status), el("td", {}, b.submitted_at))))));
  } catch (error) {
    put(document.getElementById("batch-list"), errorBox(error));
  }
}

/** Rows of row errors per page of the batch page. */
const ERRORS_PAGE = 100;

async function batchPage(main, id, params) {
  setTitle(`批次 ${id}`);
  put(main, el("h1", {}, `批次 ${id}`), el("p", { "aria-live": "polite" }, "排队或处理中，完成后自动显示结果…"));
  const offset = Math.max(0, Number.parseInt(params.get("errors_offset") || "0", 10) || 0);
  let batch;
  for (;;) {
    try {
      batch = await api(`/v1/batches/${id}?errors_offset=${offset}&errors_limit=${ERRORS_PAGE}`);
    } catch (error) {
      put(main, el("h1", {}, `批次 ${id}`), errorBox(error));
      return;
    }
    if (!["queued", "processing"].includes(batch.status)) break;
    put(main, el("h1", {}, `批次 ${id} · ${batch.source_name}`),
      el("p", { "aria-live": "polite" }, `${BATCH_ZH[batch.status]}…完成后自动显示结果。`));
    await new Promise((r) => setTimeout(r, 700));
    if (location.pathname !== `/batches/${id}`) return;
  }
  const c = batch.counts || {};
  const errors = batch.errors?.items || [];
  const total = batch.errors?.total || 0;
  const accepted = batch.status === "accepted";
  const pageLink = (at, text) => link(`/batches/${id}?errors_offset=${at}`, text);
  const download = el("p", {}, "下载行报告（每个错误和提示一行）：",
    el("a", { class: "button plain", href: `/v1/batches/${id}/errors?format=xlsx`, download: `batch-${id}-rows.xlsx` }, "XLSX"), " ",
    el("a", { class: "button plain", href: `/v1/batches/${id}/errors?format=csv`, download: `batch-${id}-rows.csv` }, "CSV"));
  put(main,
    el("h1", {}, `批次 ${id} · ${batch.source_name}`),
    accepted ? el("p", { class: "ok" }, `已接收：${c.rows_accepted} 行，新增 ${c.patents_new} 件，更新 ${c.patents_updated} 件；拒绝 ${c.rows_rejected} 行。`)
      : el("div", { class: "error", role: "alert" },
        el("p", {}, `${BATCH_ZH[batch.status] || batch.status}：整个文件未加入专利库，库中已有数据没有任何变化。`),
        c.rows_total !== undefined ? el("p", {}, `共读到 ${c.rows_total} 行，其中 ${c.rows_rejected} 行有错误、${c.rows_accepted} 行无误；请按下表改正后重新提交。`) : null,
        // The row table below says it row by row; the reason alone is for a file not read at all.
        total ? null : el("p", {}, `原因：${batch.error || ""}`)),
    total ? [el("h2", {}, `错误（共 ${total} 条，第 ${offset + 1}–${offset + errors.length} 条）`), el("table", {},
      el("thead", {}, el("tr", {}, ["行", "字段", "列", "原因"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, errors.map((e) => el("tr", {}, el("td", { class: "num" }, e.row), el("td", {}, FIELD_ZH[e.field] || e.field || ""), el("td", {}, e.column || ""), el("td", {}, e.reason))))),
    total > ERRORS_PAGE ? el("nav", { class: "pager", "aria-label": "错误分页" },
      offset > 0 ? pageLink(Math.max(0, offset - ERRORS_PAGE), "上一页") : null,
      batch.errors.next ? pageLink(offset + errors.length, "下一页") : null) : null] : null,
    total || batch.warnings?.length || !accepted ? download : null,
    batch.unknown_columns?.length ? el("p", { class: "help" }, `未读取的列：${batch.unknown_columns.join("、")}`) : null,
    accepted ? el("div", { id: "screening" }, "正在生成筛选报告…") : null,
    accepted ? el("p", {}, "筛选报告：",
      el("a", { class: "button plain", href: `/v1/batches/${id}/report?format=xlsx`, download: `batch-${id}.xlsx` }, "XLSX"), " ",
      el("a", { class: "button plain", href: `/v1/batches/${id}/report?format=csv`, download: `batch-${id}.csv` }, "CSV")) : null);
  if (!accepted) return;
  await screening(id);
}

/** The screening report of an accepted batch: tiers, industries, data gaps, changes. */
async function screening(id) {
  const box = document.getElementById("screening");
  if (!box) return;
  try {
    const r = await api(`/v1/batches/${id}/report`);
    const diff = r.diff;
    put(box,
      el("h2", {}, "本批等级分布"), tierBars(r.tiers),
      el("h2", {}, "本批产业分布"), countBars(r.industries, (k) => k, "各产业专利数"),
      r.no_industry ? el("p", { class: "help" }, `${r.no_industry} 件未归入任何产业`) : null,
      el("h2", {}, "数据缺口（缺少该字段的行数）"), countBars(r.data_gaps, (k) => FIELD_ZH[k] || k, "数据缺口"),
      r.expiring?.length ? [el("h2", {}, "即将到期的推广专利"), el("ul", {}, r.expiring.map((e) =>
        el("li", {}, link(`/patents/${encodeURIComponent(e.application_number)}`, e.application_number), ` ${TIER_ZH[e.tier] || e.tier}，剩余 ${e.remaining_years.toFixed(1)} 年`)))] : null,
      diff ? [el("h2", {}, "与上一批相比"), el("ul", {},
        el("li", {}, `上一批：`, link(`/batches/${diff.previous_id}`, `批次 ${diff.previous_id}`)),
        el("li", {}, `新增 ${diff.added.length} 件`, diff.added.length ? `：${diff.added.slice(0, 10).join("、")}${diff.added.length > 10 ? " 等" : ""}` : ""),
        el("li", {}, `两批都有 ${diff.repeated} 件`),
        el("li", {}, `上一批有、本批未再提交 ${diff.not_resubmitted.length} 件（仍在库中）`))]
        : el("p", { class: "help" }, "这是本校的第一个批次，没有可比较的上一批。"));
  } catch (error) {
    put(box, errorBox(error));
  }
}

/** A sign-in link that returns here, with what signing in is for. */
function signInFor(what) {
  return [link(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, "登录"), `后可${what}。`];
}

async function demandsPage(main) {
  setTitle("企业需求");
  if (!session) {
    put(main, el("h1", {}, "企业需求"), el("p", { class: "note" }, "企业需求只对登录用户开放。", signInFor("查看需求、发布需求并匹配专利")));
    return;
  }
  const message = el("div", { "aria-live": "polite" });
  const title = el("input", { id: "d-title", name: "title", required: true, size: 50 });
  const description = el("textarea", { id: "d-desc", name: "description", rows: 5, cols: 60, required: true });
  const form = el("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const created = await api("/v1/demands", { method: "POST", body: { title: title.value.trim(), description: description.value.trim() } });
      navigate(`/demands/${created.id}`);
    } catch (error) {
      showError(error, message, { title, description });
    }
  } }, el("h2", {}, "发布技术需求"),
    el("div", { class: "field" }, el("label", { for: "d-title" }, "需求名称"), title),
    el("div", { class: "field" }, el("label", { for: "d-desc" }, "需求描述"), description),
    el("button", { type: "submit" }, "发布并匹配"), message);
  put(main, el("h1", {}, "企业需求"), form, el("h2", {}, "已有需求"), el("div", { id: "demand-list" }, "加载中…"));
  try {
    const list = await api("/v1/demands?limit=50");
    const items = list.demands || [];
    put(document.getElementById("demand-list"), items.length
      ? el("ul", {}, items.map((d) => el("li", {}, link(`/demands/${d.id}`, d.title))))
      : el("p", { class: "help" }, "还没有需求。"));
  } catch (error) {
    put(document.getElementById("demand-list"), errorBox(error));
  }
}

async function demandPage(main, id) {
  setTitle(`需求 ${id}`);
  if (!session) {
    put(main, el("h1", {}, `需求 ${id}`), el("p", { class: "note" }, "企业需求只对登录用户开放。", signInFor("查看这条需求和匹配的专利")));
    return;
  }
  try {
    const [demand, matches] = await Promise.all([api(`/v1/demands/${id}`), api(`/v1/demands/${id}/matches?limit=10`)]);
    put(main, el("h1", {}, demand.title), el("p", {}, demand.description),
      el("h2", {}, "匹配的专利"),
      el("ol", { class: "hits" }, matches.matches.map((m) => el("li", { class: "hit" },
        el("h3", {}, link(`/patents/${encodeURIComponent(m.application_number)}`, m.title)),
        el("div", { class: "meta" }, badge(m.reasons?.tier), el("span", {}, `匹配度 ${m.score.toFixed(2)}`),
          m.institution ? el("span", {}, m.institution) : null,
          el("span", {}, statusText(m.legal_status, m.lapse_date)),
          m.remaining_years !== undefined ? el("span", {}, `剩余 ${m.remaining_years} 年`) : null),
        el("p", {}, `命中：${(m.reasons?.matched_terms || []).join("、")}`),
        m.reasons?.areas?.length ? el("p", {}, `同属技术领域：${m.reasons.areas.join("、")}`) : null,
        m.lapsed ? el("p", { class: "note" }, m.lapsed) : null))));
  } catch (error) {
    put(main, el("h1", {}, `需求 ${id}`), errorBox(error));
  }
}

async function institutionPage(main, name) {
  setTitle(name);
  try {
    const report = await api(`/v1/institutions/${encodeURIComponent(name)}/report`);
    put(main, el("h1", {}, `${name} · 专利报告`),
      el("p", {}, `库内专利 ${report.patents} 件，提交批次 ${report.batches} 个。`),
      el("h2", {}, "等级分布"), tierBars(report.tiers),
      el("h2", {}, "产业分布"),
      el("table", {}, el("tbody", {}, Object.entries(report.industries).map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", { class: "num" }, v))))),
      el("h2", {}, "匹配到的企业需求"),
      el("ul", {}, report.demands_matched.map((d) => el("li", {}, link(`/demands/${d.demand_id}`, `需求 ${d.demand_id}`), `：${d.patents.length} 件专利`))),
      el("p", { class: "no-print" }, el("button", { type: "button", onclick: () => window.print() }, "打印 / 存为 PDF")));
  } catch (error) {
    put(main, el("h1", {}, name), errorBox(error));
  }
}

// ---------------------------------------------------------------- shell

function renderWho() {
  const who = document.getElementById("who");
  const role = { admin: "管理员", submitter: "提交单位", reader: "只读" };
  if (session) {
    put(who,
      el("span", {}, `${role[session.role] || session.role}${session.institution ? ` · ${session.institution}` : ""}`),
      session.institution ? link(`/institutions/${encodeURIComponent(session.institution)}`, "本校报告") : null,
      el("button", { type: "button", class: "plain", id: "sign-out", onclick: async () => {
        try { await api("/v1/session", { method: "DELETE" }); } catch { /* the session may have ended already */ }
        session = null;
        renderWho();
        navigate("/sign-in");
      } }, "退出"));
  } else {
    put(who, link("/sign-in", "登录"));
  }
  for (const item of document.querySelectorAll("[data-role=writer]")) {
    item.hidden = !session || session.role === "reader";
  }
}

async function route() {
  const main = document.getElementById("main");
  const path = decodeURIComponent(location.pathname);
  const params = new URLSearchParams(location.search);
  for (const a of document.querySelectorAll(".top nav a")) {
    if (path.startsWith(a.getAttribute("href"))) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  let match;
  try {
    if (path === "/sign-in") return await signInPage(main);
    if (path === "/" || path === "/search") return await searchPage(main, params);
    if ((match = path.match(/^\/patents\/(.+)$/))) return await patentPage(main, match[1]);
    if (path === "/industries") return await industriesPage(main);
    if ((match = path.match(/^\/industries\/(.+)$/))) return await shortlistPage(main, match[1], params);
    if (path === "/batches") return await batchesPage(main);
    if ((match = path.match(/^\/batches\/(\d+)$/))) return await batchPage(main, match[1], params);
    if (path === "/demands") return await demandsPage(main);
    if ((match = path.match(/^\/demands\/(\d+)$/))) return await demandPage(main, match[1]);
    if ((match = path.match(/^\/institutions\/(.+)$/))) return await institutionPage(main, match[1]);
    put(main, el("h1", {}, "页面不存在"), el("p", {}, link("/search", "返回检索")));
  } catch (error) {
    if (error.status === 401) {
      navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
      return;
    }
    put(main, errorBox(error));
  }
}

function navigate(url) {
  history.pushState(null, "", url);
  route().then(() => document.getElementById("main").focus());
}

document.addEventListener("click", (event) => {
  const a = event.target.closest("a[data-nav]");
  if (!a || event.ctrlKey || event.metaKey || event.shiftKey || a.target) return;
  event.preventDefault();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", () => route());

try {
  session = await api("/v1/session");
} catch {
  session = null;
}
renderWho();
route();
