"""Test data for slide decks and posters: an abstract with everything a talk needs."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import blobs

TODAY = dt.date(2026, 11, 20)

_SENTENCES = (
    "Chronic low back pain affects nearly one in five adults and is a leading cause of disability.",
    "Radiofrequency ablation of the medial branch nerves is widely used, yet durable benefit remains uncertain.",
    "We reviewed 412 consecutive patients treated at two academic pain centres between 2019 and 2024.",
    "The primary outcome was a reduction of at least 50% in the numeric rating scale at six months.",
    "Secondary outcomes included opioid use in morphine milligram equivalents and the Oswestry Disability Index.",
    "Mean pain scores fell from 7.2 to 3.9 (p < 0.001) and 61% of patients met the primary outcome.",
    "Daily opioid use decreased by a median of 18 MME (IQR 6-30) in patients who responded.",
    "Cooled ablation was associated with longer relief than conventional ablation (HR 0.71, 95% CI 0.55-0.92).",
    "No serious adverse events occurred; transient neuritis was reported in 3.4% of procedures.",
    "Medial branch radiofrequency ablation gives durable relief for most carefully selected patients.",
)

BACKGROUND = " ".join(_SENTENCES[0:2])
METHODS = " ".join(_SENTENCES[2:5])
RESULTS = " ".join(_SENTENCES[5:9])
CONCLUSIONS = (
    _SENTENCES[9] + " Prospective trials should compare cooled and conventional techniques."
)


def words(n: int) -> str:
    """About ``n`` words of realistic abstract prose."""
    out: list[str] = []
    for sentence in itertools.cycle(_SENTENCES):
        out += sentence.split()
        if len(out) >= n:
            break
    text = " ".join(out[:n])
    return text if text.endswith(".") else text + "."


def png(path: Path, size: tuple[int, int] = (1200, 800), fmt: str = "PNG") -> Path:
    """A simple bar chart image."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    w, h = size
    for i, value in enumerate((0.8, 0.55, 0.35, 0.62)):
        x0 = int(w * (0.1 + i * 0.2))
        draw.rectangle(
            [x0, int(h * (0.9 - 0.8 * value)), x0 + int(w * 0.12), int(h * 0.9)],
            fill=(31, 92, 153),
        )
    draw.line([int(w * 0.05), int(h * 0.9), int(w * 0.95), int(h * 0.9)], fill="black", width=4)
    image.save(path, format=fmt)
    return path


@dataclass(frozen=True)
class Made:
    """Ids of what `make_abstract` stored."""

    abstract_id: int
    project_id: int
    reference_count: int


def make_abstract(
    library: Library,
    folder: Path,
    *,
    results: str = RESULTS,
    n_authors: int = 4,
    n_refs: int = 5,
    figures: tuple[str, ...] = ("png", "webp"),
    refs_on: str = "abstract",
    title: str = (
        "Durable Relief After Medial Branch Radiofrequency Ablation for Chronic Low Back "
        "Pain: A Two-Centre Retrospective Cohort"
    ),
    link_url: str = "",
    doi: str = "10.1136/rapm-2026-105432",
    extra_sections: tuple[tuple[str, str], ...] = (),
) -> Made:
    """Store an abstract with authors, disclosures, conference, figures and references."""
    with library.transaction() as s:
        people = []
        names = [
            (
                "Ana",
                "Ruiz",
                "MD",
                "Department of Anesthesiology, University Hospital\nPain Medicine Center, City Clinic",
            ),
            ("Ben", "Okafor", "MD, PhD", "Department of Anesthesiology, University Hospital"),
            (
                "Chen",
                "Li",
                "DO",
                "Department of Physical Medicine and Rehabilitation, State University",
            ),
            ("Dana", "Fischer", "MD, MPH", "Pain Medicine Center, City Clinic"),
            ("Eli", "Novak", "PhD", "School of Public Health, State University"),
            ("Fatima", "Haddad", "MD", "Department of Neurology, University Hospital"),
            ("George", "Ito", "MD", "Department of Anesthesiology, University Hospital"),
            ("Hana", "Kim", "PharmD", "Department of Pharmacy, City Clinic"),
        ]
        for i in range(n_authors):
            given, family, degrees, aff = names[i % len(names)]
            person = m.Person(
                given_name=given,
                family_name=family if i < len(names) else f"{family}{i}",
                degrees=degrees,
                affiliations=aff,
                email=f"{given.lower()}.{family.lower()}@example.org",
            )
            s.add(person)
            people.append(person)
        # Ben: a current consultancy and an old grant (ended 3 years ago, not shown).
        if n_authors > 1:
            people[1].disclosures.append(
                m.Disclosure(
                    company="Medtronic",
                    relationship_kind="consultant",
                    start_date=dt.date(2023, 1, 1),
                    end_date=None,
                )
            )
            people[1].disclosures.append(
                m.Disclosure(
                    company="OldPharma Inc",
                    relationship_kind="research grant",
                    start_date=dt.date(2019, 1, 1),
                    end_date=dt.date(2023, 6, 30),
                )
            )
        if n_authors > 3:
            people[3].disclosures.append(
                m.Disclosure(
                    company="Abbott",
                    relationship_kind="speakers bureau",
                    start_date=dt.date(2025, 3, 1),
                    end_date=dt.date(2026, 2, 1),
                )
            )
        conf = m.Conference(
            name="ASRA Pain Medicine Annual Meeting",
            acronym="ASRA PM",
            location="San Diego, CA",
            starts_on=dt.date(2026, 11, 12),
            ends_on=dt.date(2026, 11, 14),
        )
        project = m.Project(title="RFA outcomes", kind="retrospective review", owner=people[0])
        project.mentors.append(people[1])
        s.add_all([conf, project])
        s.flush()
        s.add(m.Manuscript(title="RFA outcomes", project_id=project.id, doi=doi))
        abstract = m.Abstract(
            title=title,
            status="accepted as oral",
            conference=conf,
            project=project,
            owner_id=people[0].id,
            presentation_date=dt.date(2026, 11, 13),
            link_url=link_url,
        )
        sections = [
            ("Background", BACKGROUND),
            ("Methods", METHODS),
            ("Results", results),
            ("Conclusions", CONCLUSIONS),
            *extra_sections,
        ]
        for pos, (heading, body) in enumerate(sections):
            abstract.sections.append(m.AbstractSection(position=pos, heading=heading, body=body))
        for pos, person in enumerate(people):
            abstract.authors.append(
                m.AbstractAuthor(person=person, position=pos, presenting=pos == 0)
            )
        for pos, kind in enumerate(figures):
            ext = {"png": "png", "webp": "webp", "jpeg": "jpg"}[kind]
            path = png(folder / f"figure{pos + 1}.{ext}", fmt=kind.upper())
            abstract.images.append(
                m.AbstractImage(
                    position=pos,
                    path=str(path),
                    caption=f"Pain scores before and after ablation, panel {pos + 1}.",
                )
            )
        s.add(abstract)
        s.flush()
        for image in abstract.images:  # figures live in the database, as the service keeps them
            image.blob_sha256 = blobs.store(s, Path(image.path).read_bytes(), "image/png").sha256
        s.flush()
        for i in range(n_refs):
            ref = m.Reference(
                citation_key=f"ref{abstract.id}_{i}",
                authors="Cohen, Steven P. and Bhaskar, Arun and Bhatia, Anuj and others"
                if i % 2
                else f"Smith{i}, John A. and Doe, Jane",
                first_author="Cohen",
                title=f"Radiofrequency ablation for chronic low back pain: study {i + 1}",
                journal="Reg Anesth Pain Med",
                year=2020 + i % 6,
                volume=str(40 + i),
                issue=str(1 + i % 12),
                pages=f"{100 + i}--{110 + i}",
                doi=f"10.1136/rapm-2020-{100000 + i}",
            )
            s.add(ref)
            s.flush()
            target = abstract.id if refs_on == "abstract" else project.id
            s.add(
                m.ReferenceLink(
                    reference_id=ref.id, target_kind=refs_on, target_id=target, position=i
                )
            )
        return Made(abstract.id, project.id, n_refs)


# Reading generated files back -----------------------------------------------------------

A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@dataclass
class Checked:
    """What `check_pptx` read from a file."""

    slides: list[list[str]]  # text of each shape, per slide
    notes: list[str]
    min_size: float
    pictures: int
    width: int
    height: int


def _paragraphs_of(shape) -> tuple:  # type: ignore[no-untyped-def]
    from scholar_desk.core.formats.layout import Paragraph, Run

    out = []
    for p in shape.text_frame.paragraphs:
        runs = []
        size = None
        for r in p.runs:
            rpr = r._r.rPr
            size = r.font.size.pt
            runs.append(
                Run(
                    r.text,
                    bold=bool(r.font.bold),
                    italic=bool(r.font.italic),
                    superscript=rpr is not None and rpr.get("baseline") == "30000",
                )
            )
        if size is None:
            continue
        ppr = p._p.pPr
        mar_l = int(ppr.get("marL", "0")) if ppr is not None else 0
        spc = ppr.find(f"{A_NS}lnSpc/{A_NS}spcPts")
        bef = ppr.find(f"{A_NS}spcBef/{A_NS}spcPts")
        out.append(
            Paragraph(
                tuple(runs),
                size,
                bullet=ppr.find(f"{A_NS}buChar") is not None,
                space_before_pt=int(bef.get("val")) / 100 if bef is not None else 0.0,
                line_factor=(int(spc.get("val")) / 100) / size,
            )
        )
        assert mar_l >= 0
    return tuple(out)


def check_pptx(path: Path, *, floor: float, title_floor: float | None = None) -> Checked:
    """Open a generated file and assert the rules every deck and poster must keep.

    Every shape lies inside the slide; every text fits its box by the same metrics the
    layout used; no font is below its floor (``title_floor`` for title placeholders or
    shapes named "Title").
    """
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

    from scholar_desk.core.formats import text_fit
    from scholar_desk.core.formats.layout import Insets

    prs = Presentation(str(path))
    width, height = int(prs.slide_width), int(prs.slide_height)
    texts: list[list[str]] = []
    notes: list[str] = []
    min_size = 1000.0
    pictures = 0
    for number, slide in enumerate(prs.slides, start=1):
        slide_texts = []
        for shape in slide.shapes:
            where = f"slide {number}, shape {shape.name!r}"
            assert shape.left >= 0, where
            assert shape.top >= 0, where
            assert shape.left + shape.width <= width, where
            assert shape.top + shape.height <= height, where
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                pictures += 1
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            frame = shape.text_frame
            paragraphs = _paragraphs_of(shape)
            is_title = shape.name == "Title" or (
                shape.is_placeholder
                and shape.placeholder_format.type
                in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
            )
            shape_floor = title_floor if (is_title and title_floor) else floor
            for p in paragraphs:
                assert p.size_pt >= shape_floor, f"{where}: {p.size_pt} pt < {shape_floor}"
                min_size = min(min_size, p.size_pt)
            body_pr = frame._txBody.bodyPr
            assert body_pr.find(f"{A_NS}noAutofit") is not None, f"{where}: autofit not off"
            assert body_pr.get("wrap") == "square", f"{where}: word wrap off"
            insets = Insets(
                frame.margin_left, frame.margin_top, frame.margin_right, frame.margin_bottom
            )
            font = next(r.font.name for p in frame.paragraphs for r in p.runs)
            face = text_fit.resolve_face(font)
            need = text_fit.paragraphs_height_emu(
                paragraphs, text_fit.inner_width(shape.width, insets), face
            )
            room = text_fit.inner_height(shape.height, insets)
            assert need <= room, f"{where}: text needs {need} EMU, box has {room}"
            slide_texts.append(frame.text)
        texts.append(slide_texts)
        notes.append(slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "")
    return Checked(texts, notes, min_size, pictures, width, height)
