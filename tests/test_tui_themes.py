"""Every theme file renders in its own colours, and its text is readable.

Each file of segtui/themes is loaded by the app by name, the contacts screen drawn, and the
colours the terminal would receive are compared with the file's: a broken file (the app falls back
to its default theme), a theme the screens ignore, or text in its own background colour fails.
"""
import tomllib
from collections import Counter

import pytest
from rich.color import ColorType

from segtui.tui.app import PACKAGE_THEMES
from tui_helpers import SIZE, make_app, settle

THEME_FILES = sorted(PACKAGE_THEMES.glob("*.toml"))
# Truecolour themes are checked against their hex colours; a rounding in the blend of a style with
# its background may move a channel by one step.
CHANNEL_STEP = 2


def drawn_pairs(app) -> Counter:
    """(foreground, background) of every drawn character that is not blank, as rich colours."""
    pairs = Counter()
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if segment.text.strip() and segment.style:
                pairs[(segment.style.color, segment.style.bgcolor)] += len(segment.text.strip())
    return pairs


def rgb(color) -> tuple[int, int, int]:
    triplet = color.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def hex_rgb(text: str) -> tuple[int, int, int]:
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)


def near(a, b) -> bool:
    return all(abs(x - y) <= CHANNEL_STEP for x, y in zip(a, b))


def contrast(a, b) -> float:
    """WCAG contrast ratio of two sRGB colours (1 to 21; 4.5 is the floor for body text)."""

    def luminance(rgb_):
        def channel(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b_ = map(channel, rgb_)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def draw(fixed_db, name):
    app = make_app(fixed_db, theme=name)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        assert app.theme == name and not app.theme_problems, app.theme_problems
        assert "CT000001" in "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        return drawn_pairs(app)


ANSI = {"ansi_black": 0, "ansi_red": 1, "ansi_green": 2, "ansi_yellow": 3, "ansi_blue": 4,
        "ansi_magenta": 5, "ansi_cyan": 6, "ansi_white": 7}


def check_colours(theme: dict, pairs: Counter) -> None:
    """The drawn colours are the theme file's, and its text can be read."""
    for (fg, bg), count in pairs.items():  # no text drawn in its own background colour
        if fg is not None and bg is not None and not (fg.is_default and bg.is_default):
            assert fg != bg, f"{count} characters drawn {fg.name} on {bg.name}"
    (main_fg, main_bg), _ = pairs.most_common(1)[0]  # the list's text on its background
    if theme.get("ansi"):
        # The terminal's own palette only: no colour of ours may stand in for it.
        kinds = {c.type for pair in pairs for c in pair if c is not None}
        assert kinds <= {ColorType.DEFAULT, ColorType.STANDARD}, kinds
        assert (main_fg.is_default, main_bg.is_default) == (True, True)
        assert any(c.type == ColorType.STANDARD and c.number == ANSI[theme["accent"]]
                   for pair in pairs for c in pair if c is not None), "accent is not drawn"
        return
    colours = {rgb(c) for pair in pairs for c in pair if c is not None}
    for key in ("foreground", "background", "surface", "accent"):
        wanted = hex_rgb(theme[key])
        assert any(near(wanted, seen) for seen in colours), f"{key} {theme[key]} is not drawn"
    assert rgb(main_fg) == hex_rgb(theme["foreground"])
    assert rgb(main_bg) in (hex_rgb(theme["surface"]), hex_rgb(theme["background"]))
    for ground in ("background", "surface"):
        ratio = contrast(hex_rgb(theme["foreground"]), hex_rgb(theme[ground]))
        assert ratio >= 4.5, f"foreground on {ground}: contrast {ratio:.1f}"


def theme_file(stem: str) -> dict:
    return tomllib.loads((PACKAGE_THEMES / f"{stem}.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", THEME_FILES, ids=[p.stem for p in THEME_FILES])
async def test_every_theme_file_draws_in_its_own_colours_and_readably(fixed_db, path):
    theme = tomllib.loads(path.read_text(encoding="utf-8"))
    check_colours(theme, await draw(fixed_db, theme["name"]))


async def test_the_colour_check_fails_on_another_themes_colours(fixed_db):
    """The check can fail: what the dark theme draws is not the light or the ANSI file's colours."""
    dark = await draw(fixed_db, "segtui-dark")
    for other in ("segtui-light", "segtui-ansi"):
        with pytest.raises(AssertionError):
            check_colours(theme_file(other), dark)


async def test_a_broken_theme_file_fails_the_drawing(fixed_db, tmp_path):
    """A file the app cannot load is reported and not drawn: the check refuses the fallback."""
    folder = tmp_path / "themes"  # the themes folder beside the settings file
    folder.mkdir()
    (folder / "segtui-mine.toml").write_text('name = "segtui-mine"\nprimary = \n', encoding="utf-8")
    with pytest.raises(AssertionError, match="segtui-mine"):
        await draw(fixed_db, "segtui-mine")
