//! Generic claim phrases shared by all industries, and the template filler.
//!
//! Placeholders: `{o}` object, `{h}` head, `{m}` technique or adjective, `{p}` `{q}` `{r}` claim
//! nouns chosen by the caller; `{T}` a low temperature range (℃), `{H}` a high one, `{t}` a
//! duration range, `{n}` a small count; `{pos}` `{conn}` `{epos}` `{motion}` `{dir}` `{state}`
//! `{shape}` `{mat}` `{emat}` `{dim}` draw from the pools below.

use std::fmt::Write as _;

use super::random::{PatentRng, between, pick};

/// Steps of a computer-implemented method, in pipeline order, each with the module that
/// performs it in a system claim; `|` separates alternative wordings.
pub(crate) const SOFTWARE_STEPS: [(&str, &str); 12] = [
    (
        "数据获取模块",
        "获取待处理的{o}数据，并对所述{o}数据进行预处理|获取{o}的原始数据，对所述原始数据进行去噪和格式转换",
    ),
    (
        "样本构建模块",
        "采集{o}的{p}和{q}，构建样本数据集|根据历史{o}数据提取{p}，并标注对应的{q}，形成训练样本",
    ),
    (
        "预处理模块",
        "对所述样本数据集进行清洗、归一化和缺失值填充，得到标准化数据|对所述{p}进行滑动窗口切分，得到多个数据片段",
    ),
    (
        "模型构建模块",
        "基于{m}构建{h}模型，所述{h}模型包括{p}和{q}|构建包含{p}和{q}的{h}模型",
    ),
    (
        "特征提取模块",
        "提取所述{o}数据的多维特征，得到{p}|利用{p}对输入数据进行特征编码，得到多尺度特征",
    ),
    (
        "特征融合模块",
        "对所述{p}和{q}进行加权融合，得到融合特征|采用{m}对{p}与{q}进行对齐和融合",
    ),
    (
        "计算模块",
        "将所述{p}输入所述{h}模型，得到{q}|根据所述{p}计算{q}",
    ),
    (
        "优化模块",
        "利用{m}对所述{p}进行迭代优化，得到优化后的{q}|以{q}最大化为目标，建立优化问题并求解得到{p}",
    ),
    (
        "训练模块",
        "根据预设的损失函数对所述{h}模型进行训练，直至满足收敛条件|采用反向传播算法更新所述{h}模型的参数，得到训练完成的{h}模型",
    ),
    (
        "匹配模块",
        "计算{p}与{q}之间的相似度，根据所述相似度确定候选结果|将{p}与预设的{q}进行比对，筛选满足阈值条件的候选结果",
    ),
    (
        "确定模块",
        "根据所述{q}确定所述{o}的{h}结果|对所述候选结果进行后处理，输出所述{o}的{h}结果",
    ),
    (
        "输出模块",
        "将所述{h}结果发送至目标终端进行展示或执行|根据所述{h}结果生成控制指令并下发至执行设备",
    ),
];

/// Adjectives a software method title may put before its task (实时目标检测).
pub(crate) const SOFTWARE_ADJECTIVES: [&str; 12] = [
    "实时",
    "自适应",
    "鲁棒",
    "高效",
    "分布式",
    "增量式",
    "细粒度",
    "跨域",
    "轻量级",
    "在线",
    "多目标",
    "端到端",
];

/// Settings a software method title may be aimed at (一种面向小样本场景的…).
pub(crate) const SOFTWARE_CONTEXTS: [&str; 12] = [
    "小样本场景",
    "复杂环境",
    "边缘计算",
    "大规模数据",
    "低资源条件",
    "实时应用",
    "多源异构数据",
    "隐私保护",
    "开放环境",
    "动态环境",
    "弱监督条件",
    "跨平台部署",
];

/// Adjectives a process title may put before its head (高效处理, 快速检测).
pub(crate) const PROCESS_ADJECTIVES: [&str; 8] = [
    "高效",
    "低成本",
    "绿色",
    "快速",
    "一体化",
    "强化",
    "协同",
    "稳定",
];

/// What utility-model titles say a machine can do (一种便于拆卸的…).
pub(crate) const MECHANICAL_FEATURE_PHRASES: [&str; 12] = [
    "便于拆卸的",
    "便于维护的",
    "可调节角度的",
    "具有防尘功能的",
    "具有缓冲功能的",
    "带有自动清洁功能的",
    "带有冷却结构的",
    "可快速安装的",
    "具有自锁功能的",
    "可折叠的",
    "具有过载保护功能的",
    "便于移动的",
];

/// What electronic product titles say a product has (一种高散热的…).
pub(crate) const ELECTRONIC_FEATURE_PHRASES: [&str; 8] = [
    "高可靠性的",
    "高散热的",
    "低寄生电容的",
    "抗静电的",
    "可降低串扰的",
    "防翘曲的",
    "高集成度的",
    "低功耗的",
];

/// Structural fragments compound titles mention (一种含哌嗪结构的…).
pub(crate) const COMPOUND_FRAGMENTS: [&str; 14] = [
    "吡啶环",
    "哌嗪结构",
    "吗啉基",
    "三氟甲基",
    "磺酰胺基",
    "酰胺键",
    "脲基",
    "螺环结构",
    "氰基",
    "环丙基",
    "哌啶基",
    "噻唑环",
    "氨基甲酸酯结构",
    "双芳基",
];

/// Targets of biological products and kits (一种针对…的检测试剂盒).
pub(crate) const BIOLOGIC_TARGETS: [&str; 16] = [
    "EGFR基因突变",
    "KRAS基因突变",
    "新型冠状病毒",
    "甲型流感病毒",
    "非洲猪瘟病毒",
    "结核分枝杆菌",
    "幽门螺杆菌",
    "人乳头瘤病毒",
    "沙门氏菌",
    "金黄色葡萄球菌",
    "单核细胞增生李斯特菌",
    "诺如病毒",
    "乙型肝炎病毒",
    "miR-21",
    "PD-L1",
    "呼吸道合胞病毒",
];

/// Generic preparation steps of a material, in order.
pub(crate) const PREPARATION_STEPS: [&str; 7] = [
    "按配比称取{p}和{q}，加入去离子水中搅拌{t}h，得到混合液",
    "向所述混合液中加入{r}，在{T}℃下搅拌反应{t}h",
    "将反应产物转移至水热反应釜中，在{T}℃下保温{t}h",
    "将所得产物离心分离，用去离子水和无水乙醇交替洗涤{n}次",
    "将洗涤后的产物在{T}℃下真空干燥{t}h，得到前驱体",
    "将所述前驱体置于管式炉中，在保护气氛下升温至{H}℃并保温{t}h",
    "冷却至室温后研磨、过筛，得到所述{h}",
];

/// Generic metallurgical steps of an alloy, in order.
pub(crate) const ALLOY_STEPS: [&str; 6] = [
    "按所述{h}的成分配比称取原料，在真空感应熔炼炉中熔炼后浇铸，得到铸锭",
    "将所述铸锭在{H}℃下均匀化退火{t}h",
    "将均匀化后的铸锭在{H}℃下进行热轧，总变形量为50%～80%",
    "将热轧板在{H}℃下固溶处理{t}h后水淬",
    "对固溶后的板材进行冷轧，冷轧变形量为20%～40%",
    "在{T}℃下时效处理{t}h，得到所述{h}",
];

/// Steps of a control or use method of a mechanical product, in order.
pub(crate) const MECHANICAL_USE_STEPS: [&str; 6] = [
    "将所述{h}安装至工作位置，启动{p}使所述{q}运动至初始位置",
    "通过{p}实时采集所述{q}的{state}信息，并发送至控制器",
    "所述控制器根据所述{state}信息与预设阈值的偏差生成控制指令",
    "根据所述控制指令驱动{p}动作，调整所述{q}的{state}",
    "判断是否满足预设的停止条件，若是，则控制所述{p}复位，若否，则返回重复执行",
    "记录运行数据并上传至监控终端",
];

/// Feature templates of a mechanical product; `{p}` is new, `{q}` and `{r}` came before.
pub(crate) const MECHANICAL_FEATURES: [&str; 9] = [
    "{p}，设置于所述{q}的{pos}",
    "{p}，与所述{q}{conn}",
    "{p}，安装于所述{q}上，用于驱动所述{q}{motion}",
    "{p}，所述{p}的一端与所述{q}连接，另一端沿{dir}延伸",
    "{p}，位于所述{q}的{pos}，且与所述{q}之间形成{gap}",
    "{p}，所述{q}上开设有安装孔，所述{p}穿设于所述安装孔内",
    "{p}，用于检测所述{q}的{state}",
    "{p}，套设于所述{q}的外周",
    "{p}，设置于所述{q}与所述{r}之间",
];

/// Feature templates of an electronic product; `{p}` is new, `{q}` and `{r}` came before.
pub(crate) const ELECTRONIC_FEATURES: [&str; 8] = [
    "{p}，位于所述{q}的{epos}",
    "{p}，覆盖所述{q}的{epos}",
    "{p}，与所述{q}电连接",
    "{p}，设置于所述{q}与所述{r}之间",
    "{p}，贯穿所述{q}并与所述{r}电连接",
    "{p}，所述{p}的输入端与所述{q}的输出端连接",
    "{p}，所述{p}在所述{q}上的正投影与所述{r}至少部分交叠",
    "{p}，形成于所述{q}中，且所述{p}的深度小于所述{q}的厚度",
];

/// Mechanical positions.
pub(crate) const POSITIONS: [&str; 11] = [
    "上表面",
    "下表面",
    "一侧",
    "内部",
    "外周",
    "顶部",
    "底部",
    "两端",
    "中部",
    "外侧",
    "内侧",
];
/// Mechanical connections.
pub(crate) const CONNECTIONS: [&str; 7] = [
    "固定连接",
    "可拆卸连接",
    "转动连接",
    "滑动连接",
    "螺纹连接",
    "铰接",
    "卡接",
];
/// Electronic positions.
pub(crate) const ELECTRONIC_POSITIONS: [&str; 6] =
    ["一侧", "上方", "表面", "两侧", "边缘区域", "中心区域"];
const MOTIONS: [&str; 5] = ["转动", "往复运动", "升降", "沿预设方向移动", "伸缩"];
const DIRECTIONS: [&str; 4] = ["水平方向", "竖直方向", "径向", "轴向"];
const GAPS: [&str; 4] = ["容纳腔", "冷却通道", "安装间隙", "密封腔"];
const STATES: [&str; 6] = ["位置", "温度", "压力", "转速", "位移", "振动"];
const SHAPES: [&str; 6] = [
    "呈矩形结构",
    "呈圆柱状",
    "内部设有容纳腔",
    "为中空结构",
    "呈U形",
    "由若干段拼接而成",
];
/// Structural materials.
pub(crate) const MATERIALS: [&str; 8] = [
    "铝合金",
    "不锈钢",
    "碳纤维复合材料",
    "工程塑料",
    "高强度钢",
    "硅橡胶",
    "钛合金",
    "聚四氟乙烯",
];
/// Electronic materials.
pub(crate) const ELECTRONIC_MATERIALS: [&str; 10] = [
    "氮化硅",
    "二氧化硅",
    "氧化铝",
    "多晶硅",
    "铜",
    "铝",
    "氮化钛",
    "氧化铟锡",
    "聚酰亚胺",
    "氧化铪",
];
const DIMENSIONS: [&str; 5] = ["长度", "厚度", "直径", "宽度", "高度"];

/// Formulas of software dependent claims, with the meaning of their main symbol.
pub(crate) const FORMULAS: [&str; 6] = [
    "L=αL1+βL2",
    "y=σ(Wx+b)",
    "A=softmax(QK^T/√d)V",
    "E=Σ(yi-ŷi)²/N",
    "F=λF1+(1-λ)F2",
    "s=cos(u,v)=u·v/(‖u‖‖v‖)",
];

/// Tunable parameters of software methods with their ranges.
pub(crate) const PARAMETERS: [(&str, &str); 6] = [
    ("学习率", "0.0001～0.01"),
    ("迭代次数", "50～500"),
    ("批处理大小", "16～128"),
    ("判定阈值", "0.5～0.9"),
    ("时间窗口长度", "10～60s"),
    ("权重系数", "0.1～0.9"),
];

/// Markush substituent choices of compound claims.
pub(crate) const SUBSTITUENTS: [&str; 16] = [
    "氢",
    "卤素",
    "羟基",
    "氨基",
    "氰基",
    "硝基",
    "C1-C6烷基",
    "C1-C6烷氧基",
    "C3-C8环烷基",
    "卤代C1-C6烷基",
    "苯基",
    "吡啶基",
    "4-7元杂环基",
    "C2-C6烯基",
    "C1-C6烷基氨基",
    "甲磺酰基",
];

/// Properties of materials with their range and unit.
pub(crate) const PROPERTIES: [(&str, &str); 6] = [
    ("比表面积", "120～480m²/g"),
    ("平均孔径", "2～50nm"),
    ("平均粒径", "0.5～20μm"),
    ("含水率", "0.1%～3%"),
    ("热导率", "1.5～12W/(m·K)"),
    ("拉伸强度", "45～180MPa"),
];

/// The words a template can refer to.
pub(crate) struct Words<'a> {
    /// `{o}`.
    pub o: &'a str,
    /// `{h}`.
    pub h: &'a str,
    /// `{m}`.
    pub m: &'a str,
    /// `{p}`.
    pub p: &'a str,
    /// `{q}`.
    pub q: &'a str,
    /// `{r}`.
    pub r: &'a str,
}

/// Appends `template` with its placeholders replaced; picks one `|` alternative first.
pub(crate) fn fill(rng: &mut PatentRng, out: &mut String, template: &str, words: &Words<'_>) {
    let template = match template.matches('|').count() {
        0 => template,
        bars => {
            let at = between(rng, 0, bars as u32) as usize;
            template.split('|').nth(at).unwrap_or(template)
        }
    };
    let mut rest = template;
    while let Some((text, after)) = rest.split_once('{') {
        out.push_str(text);
        let Some((placeholder, next)) = after.split_once('}') else {
            out.push('{');
            out.push_str(after);
            return;
        };
        push_placeholder(rng, out, placeholder, words);
        rest = next;
    }
    out.push_str(rest);
}

fn push_placeholder(rng: &mut PatentRng, out: &mut String, key: &str, words: &Words<'_>) {
    match key {
        "o" => out.push_str(words.o),
        "h" => out.push_str(words.h),
        "m" => out.push_str(words.m),
        "p" => out.push_str(words.p),
        "q" => out.push_str(words.q),
        "r" => out.push_str(words.r),
        "T" => {
            let low = 5 * between(rng, 5, 18);
            let _ = write!(out, "{low}～{}", low + 5 * between(rng, 2, 6));
        }
        "H" => {
            let low = 50 * between(rng, 7, 20);
            let _ = write!(out, "{low}～{}", low + 50 * between(rng, 1, 4));
        }
        "t" => {
            let low = between(rng, 1, 6);
            let _ = write!(out, "{low}～{}", low + between(rng, 1, 6));
        }
        "n" => {
            let _ = write!(out, "{}", between(rng, 2, 5));
        }
        "pos" => out.push_str(pick(rng, &POSITIONS)),
        "conn" => out.push_str(pick(rng, &CONNECTIONS)),
        "epos" => out.push_str(pick(rng, &ELECTRONIC_POSITIONS)),
        "motion" => out.push_str(pick(rng, &MOTIONS)),
        "dir" => out.push_str(pick(rng, &DIRECTIONS)),
        "gap" => out.push_str(pick(rng, &GAPS)),
        "state" => out.push_str(pick(rng, &STATES)),
        "shape" => out.push_str(pick(rng, &SHAPES)),
        "mat" => out.push_str(pick(rng, &MATERIALS)),
        "emat" => out.push_str(pick(rng, &ELECTRONIC_MATERIALS)),
        "dim" => out.push_str(pick(rng, &DIMENSIONS)),
        other => {
            out.push('{');
            out.push_str(other);
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::random::patent_rng;

    fn words() -> Words<'static> {
        Words {
            o: "遥感图像",
            h: "目标检测",
            m: "注意力机制",
            p: "特征图",
            q: "检测头",
            r: "骨干网络",
        }
    }

    #[test]
    fn every_generic_template_fills_completely() {
        let mut rng = patent_rng(1, 1);
        let mut templates: Vec<&str> = SOFTWARE_STEPS.iter().map(|(_, t)| *t).collect();
        templates.extend(PREPARATION_STEPS);
        templates.extend(ALLOY_STEPS);
        templates.extend(MECHANICAL_USE_STEPS);
        templates.extend(MECHANICAL_FEATURES);
        templates.extend(ELECTRONIC_FEATURES);
        for template in templates {
            for _ in 0..4 {
                let mut out = String::new();
                fill(&mut rng, &mut out, template, &words());
                assert!(!out.contains('{') && !out.contains('}'), "{out}");
                assert!(!out.contains('|') && !out.contains('；'), "{out}");
            }
        }
    }

    #[test]
    fn numbers_are_ranges() {
        let mut rng = patent_rng(2, 2);
        let mut out = String::new();
        fill(&mut rng, &mut out, "在{T}℃下保温{t}h", &words());
        assert!(
            out.starts_with("在") && out.contains("～") && out.ends_with('h'),
            "{out}"
        );
    }
}
