"""Benchmark: server time of `GET /api/v1/kb/search` over a large help center.

Loads `--articles` articles (default 10,000; see _kb_corpus.py for how they are made from
the demo help center) into a fresh database, starts the server and sends `--requests`
searches, one at a time, drawn from casual Indonesian queries, twice: with semantic
ranking (the default: full text + multilingual-e5-small) and full text only
(`semantic=false`, what the help center's search-as-you-type uses). Server time comes from
the Server-Timing header.

    .venv/bin/python bench/kb_search_speed.py [--db sqlite|postgres] [--articles 10000]

Prints one JSON line on stdout; progress goes to stderr.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from _database import add_database_arguments, chosen_vendor, fresh_database
from _http_load import percentile_ms, run_async
from _server import exit_cleanly_on_sigterm, log, prepare_instance, running_server, sapa_environment

ROOT = Path(__file__).resolve().parent.parent
DEMO_ARTICLES = ROOT / "src" / "sapa" / "demo" / "help_articles.json"
_SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")
# Queries as customers type them (not from any evaluation set).
QUERIES = (
    "gmn cara retur brg",
    "ongkir ke medan brp",
    "udh tf tp blm dikonfirmasi",
    "paket blm sampe",
    "lupa password akun",
    "voucher ga bisa dipake",
    "bisa bayar cod ga",
    "refund brp lama",
    "resi jne gak ke lacak",
    "ganti alamat pengiriman",
    "buku halaman kebalik",
    "cara hapus akun",
    "how do I return a book",
    "kode promo member",
    "cicilan kartu kredit",
    "pengirman lama bgt",
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300, help="timed searches per mode")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


async def _time_searches(base_url: str, requests: int, semantic: bool) -> list[float]:
    times = []
    async with aiohttp.ClientSession(base_url=base_url) as session:
        for number in range(requests + 10):
            query = QUERIES[number % len(QUERIES)]
            params = {"q": query, "semantic": "true" if semantic else "false"}
            async with session.get("/api/v1/kb/search?" + urlencode(params)) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"search answered {response.status}")
                timing = _SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
            if number >= 10 and timing:  # the first ten warm the process up
                times.append(float(timing.group(1)) / 1000)
    return times


def main() -> None:
    exit_cleanly_on_sigterm()
    args = _arguments()
    vendor = chosen_vendor(args.db)
    with (
        tempfile.TemporaryDirectory(prefix="sapa-bench-") as temp,
        fresh_database(vendor, var_dir=Path(temp), name=args.db_name) as database,
    ):
        env = sapa_environment(var_dir=Path(temp), database_url=database.url)
        prepare_instance(env)
        log(f"making {args.articles} articles")
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "_kb_corpus.py"),
                str(DEMO_ARTICLES),
                str(args.articles),
                str(args.seed),
            ],
            env={**env, "PYTHONPATH": os.pathsep.join(sys.path)},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with running_server(env, workers=1) as server:
            semantic = run_async(lambda: _time_searches(server.base_url, args.requests, True))
            lexical = run_async(lambda: _time_searches(server.base_url, args.requests, False))
    line = {
        "bench": "kb_search_speed",
        "db": vendor,
        "articles": args.articles,
        "semantic_p50_ms": percentile_ms(semantic, 0.5),
        "semantic_p95_ms": percentile_ms(semantic, 0.95),
        "fulltext_p50_ms": percentile_ms(lexical, 0.5),
        "fulltext_p95_ms": percentile_ms(lexical, 0.95),
        "requests": args.requests,
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
