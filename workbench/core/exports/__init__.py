"""Renderers over one :class:`~workbench.core.results.Results`: JSON, CSV spans, Chrome trace.

Each is a small pure function from results to text (or back, for JSON). None of them uses
pickle: opening a file can never execute code.
"""

from workbench.core.exports.chrome_trace import to_chrome_trace
from workbench.core.exports.csv_spans import to_csv
from workbench.core.exports.json_io import ResultsFileError, from_json, load, save, to_json

__all__ = ["ResultsFileError", "from_json", "load", "save", "to_chrome_trace", "to_csv", "to_json"]
