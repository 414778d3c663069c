"""`sapa kb ...`: import articles and rebuild the search index.

sapa kb import FILE.jsonl [--no-examples] [--no-embed]   (prints {"external id": id})
sapa kb reindex [--no-embed]
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.kb.importing import import_articles, read_json_lines
from sapa.kb.indexing import embed_article, refresh_statistics, write_fulltext
from sapa.kb.models import Article

ACTOR = Actor.system("cli")


class Command(BaseCommand):
    help = "The knowledge base: import articles from JSON lines, rebuild the search index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="create or update articles from JSON lines")
        imp.add_argument("file", help="a .jsonl file, '-' for stdin")
        imp.add_argument("--no-examples", action="store_true", help="leave `examples` out")
        imp.add_argument("--no-embed", action="store_true", help="leave vectors to the worker")
        reindex = sub.add_parser("reindex", help="rebuild the full-text rows and the vectors")
        reindex.add_argument("--no-embed", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        else:
            self._reindex(embed=not options["no_embed"])

    def _import(self, options: dict[str, Any]) -> None:
        path = options["file"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
            records = read_json_lines(text.splitlines())
            report = import_articles(
                records,
                actor=ACTOR,
                include_examples=not options["no_examples"],
                embed=not options["no_embed"],
            )
        except (OSError, InvalidInput) as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"{len(report.ids)} articles, {report.embedded} texts embedded")
        self.stdout.write(json.dumps(report.ids))

    def _reindex(self, *, embed: bool) -> None:
        count = 0
        for article in Article.objects.order_by("pk").iterator():
            with transaction.atomic():
                write_fulltext(article)
            if embed:
                embed_article(article.pk)
            count += 1
        refresh_statistics()
        self.stdout.write(f"{count} articles reindexed")
