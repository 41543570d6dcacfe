"""Reading a chart's figures back out of its SVG: the bars per series and the highlighted labels,
so chart tests compare what is drawn with the numbers it claims (never bytes)."""

from __future__ import annotations

from defusedxml import ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: bytes) -> dict[str, list[tuple[str, str, float]]]:
    """Per series (legend text): (x label, value shown, bar height) of every bar."""
    root = ET.fromstring(svg)
    legends = [
        "".join(g.itertext()) for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("legend reactive")
    ]
    found: dict[str, list[tuple[str, str, float]]] = {}
    plot = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "plot")
    series = [g for g in plot.iter(f"{SVG}g") if (g.get("class") or "").startswith("series serie-")]
    for index, group in enumerate(series):
        drawn = []
        for bar in group.iter(f"{SVG}g"):
            if bar.get("class") != "bar":
                continue
            rect = bar.find(f"{SVG}rect")
            desc = {d.get("class"): d.text for d in bar.findall(f"{SVG}desc")}
            assert rect is not None
            drawn.append((desc["x_label"] or "", desc["value"] or "", float(rect.get("height") or 0)))
        found[legends[index]] = drawn
    return found


def guides(svg: bytes) -> list[str]:
    """The highlighted (major) axis labels: reference values and marked dates or bands."""
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "major"]


def marked_labels(svg: bytes) -> list[str]:
    """The highlighted labels of the x axis only (a marked band or date)."""
    root = ET.fromstring(svg)
    axis = next(g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("axis x"))
    return [t.text or "" for t in axis.iter(f"{SVG}text") if t.get("class") == "major"]


def axis_labels(svg: bytes) -> list[str]:
    """The labels of the y axis, bottom to top."""
    root = ET.fromstring(svg)
    axis = next(g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("axis y"))
    return [t.text or "" for t in axis.iter(f"{SVG}text") if t.text]
