"""The insight pages as sections, one module per page; the page, the CSV and the XLSX
exports all read these tables, so they cannot disagree."""

from opendps.insights.sections.market import market_sections
from opendps.insights.sections.past_performance import past_performance_sections
from opendps.insights.sections.supplier import supplier_sections

__all__ = ["market_sections", "past_performance_sections", "supplier_sections"]
