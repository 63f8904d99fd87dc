"""QA of translations: checks per segment that catch what translators and MT get wrong, and
that stay quiet on a right translation (a checklist wrong one time in four is not read).

- numbers: figures compared as values across fr/ru/en writing, number words and scales
  (40 тыс., 5,55 millions, 1,5 млрд, milliard), scale errors named as such;
- dates: months and weekdays in the three languages, Russian case forms included;
- quotes and brackets: judged with the segment's paragraph, so a quotation spanning
  sentences is no error;
- glossary: the English form of each entity the source names (or an adjective the entry
  allows for a place);
- spelling: the English target against a dictionary, the glossary and the project's words;
- empty, untranslated, identical (a copy of the source), length (far from the source's).

`check.check_segment(context, source, target, …)` is the live entry point (the screen);
`corpus.check_documents` runs it over documents (`workbench qa`, the report, export).
"""

from __future__ import annotations

from workbench.qa.check import CHECKS, Context, check_segment
from workbench.qa.corpus import check_document, check_documents, check_in_document, project_context
from workbench.qa.findings import Finding
from workbench.qa.spelling import add_word

__all__ = [
    "CHECKS",
    "Context",
    "Finding",
    "add_word",
    "check_document",
    "check_documents",
    "check_in_document",
    "check_segment",
    "project_context",
]
