"""A real manuscript .docx with a title page, abstract, references and legends, and its counts."""

from __future__ import annotations

from pathlib import Path

from scholar_desk.core.formats.manuscript_docx import DraftCounts

EXPECTED = DraftCounts(
    main_words=24,
    abstract_words=17,
    legend_words=15,
    title_page_words=17,
    figures=2,
    tables=1,
    references=3,
)
"""What `write_manuscript` with no extra text holds, counted by hand."""


def write_manuscript(path: Path, extra: str = "") -> Path:
    """Write the manuscript; ``extra`` is one more paragraph of main text (in Discussion)."""
    import docx

    document = docx.Document()
    document.add_paragraph("Pulsed radiofrequency for chronic knee pain", style="Title")  # 6
    document.add_paragraph("Jane Doe MD, John Roe MD")  # 6
    document.add_paragraph("Department of Anesthesiology, Example Hospital")  # 5
    document.add_heading("Abstract", level=1)
    document.add_heading("Background", level=2)  # 1
    document.add_paragraph("Knee pain is common and disabling.")  # 6
    document.add_heading("Results", level=2)  # 1
    document.add_paragraph("Pain scores fell by 4.1 points at 12 weeks.")  # 9
    document.add_paragraph("Keywords: knee; radiofrequency")
    document.add_heading("Introduction", level=1)  # 1
    document.add_paragraph("Chronic knee pain affects many older adults.")  # 7
    document.add_paragraph("Figure 1 shows the study flow.")  # 6: a sentence, not a legend
    document.add_heading("Methods", level=1)  # 1
    document.add_paragraph("We enrolled 40 patients \u2014 all adults.")  # 6
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Age"
    table.cell(1, 0).text = "62"
    document.add_paragraph("Table 1. Baseline characteristics.")
    document.add_heading("Discussion", level=1)  # 1
    document.add_paragraph("Radiofrequency helped.")  # 2
    if extra:
        document.add_paragraph(extra)
    document.add_heading("References", level=1)
    document.add_paragraph("1. Doe J. Knee pain. Pain. 2020;1:1-2.")
    document.add_paragraph("2. Roe J. Radiofrequency. Pain Med. 2021;2:3-4.")
    document.add_paragraph("3. Poe E. Outcomes. J Pain. 2022;3:5-6.")
    document.add_heading("Figure legends", level=1)
    document.add_paragraph("Figure 1. Study flow of all enrolled patients.")  # 8
    document.add_paragraph("Figure 2: Pain scores over twelve weeks.")  # 7
    document.save(str(path))
    return path
