"""Importers for published data: council contracts registers (CSV / Excel), OCDS from Contracts
Finder and Find a Tender, and the borough survey template.

Each importer reads its files into dataset rows (techmap.dataformat.schema columns) and an ImportReport that
accounts for every row read (kept, skipped or merged, with file, line and reason); command.py
merges the rows into a dataset folder (merge.py), runs the validator and writes the report.
Shared rules: classify.py (technology, service area, product, hosting), cells.py (dates and
money as published), techmap.analysis.suppliers (supplier names). See docs/importing.md.
"""

from techmap.importers.command import finish_import, read_import, run_import, run_import_command
from techmap.importers.ocds import import_ocds
from techmap.importers.register import import_register
from techmap.importers.report import ImportReport
from techmap.importers.survey import import_survey
from techmap.importers.survey_template import survey_template_bytes, write_survey_template

__all__ = [
    "ImportReport",
    "finish_import",
    "import_ocds",
    "import_register",
    "import_survey",
    "read_import",
    "run_import",
    "run_import_command",
    "survey_template_bytes",
    "write_survey_template",
]
