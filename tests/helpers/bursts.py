"""Burst frames and stamped copies of one scene (issue 13's precision question).

A burst is two shots of one scene a second apart: the same background, a subject moved,
perhaps the camera slid by a few pixels or the exposure changed. A stamped copy is one
shot with a date stamp or a watermark written in a corner, as the evaluation kit's
`text_stamp` attack writes it (`../shared/bench/make_corpus.py`). Both change a small part
of a picture; the tests and `benchmarks/burst_frames.py` make them from these helpers.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageEnhance, ImageFont

STAMP_TEXTS = ("© Field Services", "© 2019 Studio Nord", "SAMPLE", "Housing Dept.")
CAPTIONS = (
    "Field visit, north side, 12 May 2019",
    "Archive no. 1187/B - do not copy",
    "Grandad's 80th birthday party",
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # older Pillow: the small bitmap font
        return ImageFont.load_default()


def kit_stamp(img: Image.Image, corner: str, date: bool, seed: int = 0) -> Image.Image:
    """The kit's `text_stamp`: an orange date stamp (`date`) or a translucent white
    watermark, 3.5 % of the short side high, in `corner` ("br", "bl", "tr", "tl")."""
    rng = random.Random(seed)
    out = img.convert("RGB")
    w, h = out.size
    draw = ImageDraw.Draw(out, "RGBA")
    font = _font(max(12, round(min(w, h) * 0.035)))
    if date:
        year, month, day = rng.randint(14, 23), rng.randint(1, 12), rng.randint(1, 28)
        text = f"'{year:02d} {month:02d} {day:02d}"
        colour = (255, 140, 20, 255)
    else:
        text, colour = rng.choice(STAMP_TEXTS), (255, 255, 255, 170)
    tw, th = draw.textbbox((0, 0), text, font=font)[2:]
    margin = round(min(w, h) * 0.03)
    x = w - tw - margin if corner[1] == "r" else margin
    y = h - th - margin if corner[0] == "b" else margin
    draw.text((x + 1, y + 1), text, font=font, fill=(0, 0, 0, 110))
    draw.text((x, y), text, font=font, fill=colour)
    return out


def caption(img: Image.Image, scale: float, seed: int = 0) -> Image.Image:
    """A caption on a dark band across the bottom, `scale` times the kit stamp's size."""
    out = img.convert("RGB")
    w, h = out.size
    draw = ImageDraw.Draw(out, "RGBA")
    font = _font(max(12, round(min(w, h) * 0.035 * scale)))
    text = random.Random(seed).choice(CAPTIONS)
    tw, th = draw.textbbox((0, 0), text, font=font)[2:]
    y = h - th - round(h * 0.04)
    draw.rectangle((0, y - th // 3, w, y + th + th // 3), fill=(0, 0, 0, 140))
    draw.text(((w - tw) // 2, y), text, font=font, fill=(255, 255, 255, 230))
    return out


Subject = tuple[Image.Image, Image.Image]  # the subject's pixels and its mask


def subject(seed: int, scene_size: tuple[int, int]) -> Subject:
    """Someone to move across a scene: a head and a body of 8-22 % x 20-50 % of it."""
    rng = random.Random(seed)
    sw, sh = scene_size
    w, h = int(sw * rng.uniform(0.08, 0.22)), int(sh * rng.uniform(0.2, 0.5))
    mask = Image.new("L", (w, h), 0)
    outline = ImageDraw.Draw(mask)
    outline.ellipse((0, h // 4, w - 1, h - 1), fill=255)
    outline.ellipse((w // 4, 0, 3 * w // 4, h // 3), fill=255)
    body = Image.new("RGB", (w, h), tuple(rng.randint(0, 255) for _ in range(3)))
    paint = ImageDraw.Draw(body)
    for _ in range(rng.randint(0, 6)):
        x, y = rng.randint(0, w), rng.randint(0, h)
        paint.rectangle(
            (x, y, x + w // 3, y + h // 6), fill=tuple(rng.randint(0, 255) for _ in range(3))
        )
    return body, mask


def frame(
    scene: Image.Image,
    who: Subject,
    at: tuple[int, int],
    camera: tuple[int, int] = (0, 0),
    exposure: float = 1.0,
) -> Image.Image:
    """One shot: `who` at `at`, the view slid by `camera` pixels, brightness x `exposure`."""
    out = scene.convert("RGB")
    out.paste(who[0], at, who[1])
    if camera != (0, 0):  # same size, the view moved: the edge filled from a stretched copy
        w, h = out.size
        dx, dy = camera
        wide = out.resize((w + 2 * abs(dx), h + 2 * abs(dy)))
        wide.paste(out, (abs(dx), abs(dy)))
        out = wide.crop((abs(dx) + dx, abs(dy) + dy, abs(dx) + dx + w, abs(dy) + dy + h))
    if exposure != 1.0:
        out = ImageEnhance.Brightness(out).enhance(exposure)
    return out
