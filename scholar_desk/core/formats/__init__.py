"""File formats <-> plain records: BibTeX, RIS, MEDLINE, slides, posters, report files. No database."""
