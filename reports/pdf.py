"""A letter (reports/letters.Letter) as a PDF, drawn with fpdf2: pure Python, no system packages.

The font is DejaVu Sans, kept in reports/fonts/ (its licence beside it), so every name a
resident may have (Şükrü, Łucja, Zoë) prints; only the glyphs used are embedded. Text is
drawn as text: nothing in a letter is read as markup.
"""

import io
import logging
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .letters import Letter

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# fpdf2 and fontTools report every glyph the font lacks (an emoji); the letter prints without it.
logging.getLogger("fpdf").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def _clean(text: str) -> str:
    return CONTROL.sub("", text)


def letter_pdf(letter: Letter, *, logo: bytes | None = None, title: str = "") -> bytes:
    """The letter on A4: letterhead (logo, name, contact), address block, date, subject, body."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_clean(title or letter.subject))
    pdf.set_author(_clean(letter.service_name))
    pdf.set_lang("nl")
    pdf.add_page()
    width = pdf.epw

    # Letterhead: the logo on the left when there is one, the service's name and contact.
    top = pdf.get_y()
    if logo:
        try:
            pdf.image(io.BytesIO(logo), x=pdf.l_margin, y=top, h=16)
            pdf.set_y(top + 19)
        except Exception:  # noqa: BLE001  (a logo the PDF cannot draw: the letter goes without it)
            pdf.set_y(top)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(width, 7, _clean(letter.service_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    contact = "  ·  ".join(part for part in (letter.service_phone, letter.service_email) if part)
    if contact:
        pdf.multi_cell(width, 5, _clean(contact), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(16)

    # Address block and date.
    pdf.set_font(FONT, "", 11)
    for line in letter.recipient:
        pdf.multi_cell(width * 0.6, 5.5, _clean(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(12)
    pdf.multi_cell(width, 5.5, _clean(letter.date), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(width, 6, _clean(letter.subject), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    pdf.set_font(FONT, "", 11)
    for block in letter.blocks:
        if block.kind == "list":
            for item in block.lines:
                pdf.set_x(pdf.l_margin + 2)
                pdf.cell(5, 5.5, "•")
                pdf.multi_cell(width - 7, 5.5, _clean(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            for line in block.lines:
                pdf.multi_cell(width, 5.5, _clean(line) or " ", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    return bytes(pdf.output())
