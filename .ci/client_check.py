"""The README's curl examples, run through a client generated from the OpenAPI document
(openapi-python-client) and as plain HTTP requests (what curl sends): both must get the same
answers, and every JSON answer must parse into the generated models with no field the
document does not name.

Usage: python client_check.py GENERATED_PACKAGE_DIR BASE_URL DEMO_DIR
(READER_KEY and SUBMITTER_KEY in the environment, as the demo's keys.env sets them).
"""

import json
import os
import sys
import time
import urllib.parse
import urllib.request

package_dir, base, demo_dir = sys.argv[1], sys.argv[2].rstrip("/"), sys.argv[3]


def work_around_local_name_clash(models_dir):
    """openapi-python-client 0.29.1 names a property `D` (a tier count) `d`, the name of the
    dict its generated `from_dict` pops fields from; rename that dict in every model."""
    import re

    for name in os.listdir(models_dir):
        path = os.path.join(models_dir, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = text.replace("d = dict(src_dict)", "src_d = dict(src_dict)")
        text = re.sub(r"\bd\.(pop|get|items|keys)\(", r"src_d.\1(", text)
        text = re.sub(r"additional_properties = d$", "additional_properties = src_d", text, flags=re.M)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


work_around_local_name_clash(os.path.join(package_dir, "models"))
sys.path.insert(0, os.path.dirname(package_dir))
from patscreen_client import AuthenticatedClient  # noqa: E402
from patscreen_client.api.batches import get_batch, get_batch_report, submit_batch  # noqa: E402
from patscreen_client.api.industries import get_shortlist, list_industries  # noqa: E402
from patscreen_client.api.matchmaking import create_demand, get_demand_matches  # noqa: E402
from patscreen_client.api.search import search  # noqa: E402
from patscreen_client.models import (  # noqa: E402
    CreateDemandBody,
    GetShortlistFormat,
    SearchSort,
    SubmitBatchFilesBody,
)
from patscreen_client.types import File  # noqa: E402

READER = os.environ["READER_KEY"]
SUBMITTER = os.environ["SUBMITTER_KEY"]
failures = []


def client(key):
    return AuthenticatedClient(base_url=base, token=key, timeout=60.0)


def raw(key, method, path, body=None, content_type=None):
    """What curl sends: the path as the README writes it, percent-encoded."""
    url = base + urllib.parse.quote(path, safe="/?&=,*")
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", f"Bearer {key}")
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read()


def unnamed_fields(value, where="$"):
    """Paths of fields a generated model kept as 'additional': the document does not name them."""
    found = []
    extra = getattr(value, "additional_properties", None)
    declared = [a.name for a in getattr(value, "__attrs_attrs__", ()) if a.name != "additional_properties"]
    if extra and declared:
        found += [f"{where}.{name}" for name in extra]
    elif extra:
        # A map (additionalProperties with a schema): its entries are its content.
        for name, item in extra.items():
            found += unnamed_fields(item, f"{where}[{name!r}]")
    if hasattr(value, "__attrs_attrs__"):
        for attribute in value.__attrs_attrs__:
            if attribute.name != "additional_properties":
                found += unnamed_fields(getattr(value, attribute.name), f"{where}.{attribute.name}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += unnamed_fields(item, f"{where}[{i}]")
    return found


def same_json(name, response, status, body, ignore=()):
    parsed = response.parsed
    if response.status_code != status:
        failures.append(f"{name}: the client got {response.status_code}, curl {status}")
        return
    if parsed is None or not hasattr(parsed, "to_dict"):
        failures.append(f"{name}: the client could not parse the answer: {response.content[:200]!r}")
        return
    extra = unnamed_fields(parsed)
    if extra:
        failures.append(f"{name}: fields the document does not name: {extra[:5]}")
    mine, theirs = parsed.to_dict(), json.loads(body)
    for key in ignore:
        mine.pop(key, None)
        theirs.pop(key, None)
    if mine != theirs:
        differing = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
        failures.append(f"{name}: the client's answer differs from curl's in {differing}")
        for key in differing[:2]:
            print(f"    {key}: client {json.dumps(mine.get(key), ensure_ascii=False)[:300]}")
            print(f"    {key}: curl   {json.dumps(theirs.get(key), ensure_ascii=False)[:300]}")
    print(f"ok  {name}" if not extra and mine == theirs else f"BAD {name}")


def same_bytes(name, response, status, body):
    good = response.status_code == status and response.content == body
    if not good:
        failures.append(f"{name}: the client's bytes differ from curl's")
    print(f"ok  {name}" if good else f"BAD {name}")


def finished(batch_id):
    for _ in range(240):
        answer = get_batch.sync_detailed(client=client(SUBMITTER), id=batch_id)
        if answer.parsed.status in ("accepted", "rejected"):
            return answer.parsed
        time.sleep(0.5)
    raise SystemExit(f"batch {batch_id} never finished")


reader = client(READER)
same_json(
    "GET /v1/search?q=锂电池&facets=true&limit=3",
    search.sync_detailed(client=reader, q="锂电池", facets=True, limit=3),
    *raw(READER, "GET", "/v1/search?q=锂电池&facets=true&limit=3"),
    ignore=("next_cursor",),
)
same_json(
    "GET /v1/search?q=*&industry=集成电路&tier=A,B&sort=value&limit=5",
    search.sync_detailed(
        client=reader, q="*", industry="集成电路", tier="A,B", sort=SearchSort("value"), limit=5
    ),
    *raw(READER, "GET", "/v1/search?q=*&industry=集成电路&tier=A,B&sort=value&limit=5"),
    ignore=("next_cursor",),
)
same_json("GET /v1/industries", list_industries.sync_detailed(client=reader), *raw(READER, "GET", "/v1/industries"))
same_json(
    "GET /v1/industries/集成电路/shortlist?limit=5",
    get_shortlist.sync_detailed("集成电路", client=reader, limit=5),
    *raw(READER, "GET", "/v1/industries/集成电路/shortlist?limit=5"),
)
# The generated functions parse only JSON answers: a download is requested as the generated
# code builds the request, and read as bytes.
csv_request = get_shortlist._get_kwargs("集成电路", format_=GetShortlistFormat("csv"))
same_bytes(
    "GET /v1/industries/集成电路/shortlist?format=csv",
    reader.get_httpx_client().request(**csv_request),
    *raw(READER, "GET", "/v1/industries/集成电路/shortlist?format=csv"),
)

# The upload: curl sends the file as the body, the client as a form; each is queued, and each
# batch ends the same way.
batch_file = os.path.join(demo_dir, "new-batch.csv")
with open(batch_file, "rb") as f:
    data = f.read()
status, body = raw(SUBMITTER, "POST", "/v1/batches?source_name=new-batch.csv", data, "text/csv")
by_curl = json.loads(body)
import io  # noqa: E402

form = SubmitBatchFilesBody(file=File(payload=io.BytesIO(data), file_name="new-batch.csv", mime_type="text/csv"))
by_client = submit_batch.sync_detailed(client=client(SUBMITTER), body=form)
if by_client.status_code != status or by_client.parsed.status != by_curl["status"]:
    failures.append(f"POST /v1/batches: client {by_client.status_code}, curl {status}")
ends = [finished(by_curl["id"]), finished(by_client.parsed.id)]
print(f"    batches {by_curl['id']} and {by_client.parsed.id}: {ends[0].status}, {ends[1].status}")
if ends[0].status != ends[1].status or ends[0].counts.to_dict() != ends[1].counts.to_dict():
    failures.append("POST /v1/batches: the body and the form ended differently")
else:
    print("ok  POST /v1/batches (the file as the body, and as a form)")

submitter = client(SUBMITTER)
same_json("GET /v1/batches/1", get_batch.sync_detailed(client=submitter, id=1), *raw(SUBMITTER, "GET", "/v1/batches/1"))
same_json(
    "GET /v1/batches/1/report",
    get_batch_report.sync_detailed(client=submitter, id=1),
    *raw(SUBMITTER, "GET", "/v1/batches/1/report"),
)
demand = {"title": "动力电池热管理", "description": "需要电池包液冷散热方案，降低电芯温差"}
same_json(
    "POST /v1/demands",
    create_demand.sync_detailed(client=reader, body=CreateDemandBody.from_dict(demand)),
    *raw(READER, "POST", "/v1/demands", json.dumps(demand).encode(), "application/json"),
    ignore=("id", "created_at"),
)
same_json(
    "GET /v1/demands/1/matches?limit=5",
    get_demand_matches.sync_detailed(1, client=reader, limit=5),
    *raw(READER, "GET", "/v1/demands/1/matches?limit=5"),
)

if failures:
    print("\n".join(["!! the generated client disagrees with curl:"] + failures))
    sys.exit(1)
print("the generated client reproduces the README's examples")
