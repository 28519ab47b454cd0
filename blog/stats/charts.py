"""Small server-side SVG charts for the admin: no script, no external service."""

from django.utils.html import escape
from django.utils.safestring import mark_safe


def bar_chart(points, label, width=640, height=160):
    """A bar chart of [(day, value)]: one bar a day, a tooltip and an accessible summary."""
    total = sum(value for _, value in points)
    peak = max([value for _, value in points] + [1])
    gap, left, bottom, top = 2, 36, 22, 10
    slot = (width - left) / max(len(points), 1)
    bars = []
    for n, (day, value) in enumerate(points):
        bar_height = (height - bottom - top) * value / peak
        x = left + n * slot
        y = height - bottom - bar_height
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot - gap:.1f}" height="{bar_height:.1f}" '
            f'fill="#2271b1"><title>{day:%b %d}: {value} view{"s" if value != 1 else ""}'
            f"</title></rect>"
        )
    first, last = points[0][0], points[-1][0]
    summary = escape(f"{label}: {total} views from {first:%b %d} to {last:%b %d}, peak {peak}")
    axis = (
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        f'stroke="#8c8f94"/>'
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="11">{peak}</text>'
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" font-size="11">0</text>'
        f'<text x="{left}" y="{height - 6}" font-size="11">{first:%b %d}</text>'
        f'<text x="{width}" y="{height - 6}" text-anchor="end" font-size="11">{last:%b %d}</text>'
    )
    return mark_safe(
        f'<svg class="views-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{summary}" viewBox="0 0 {width} {height}" width="{width}" '
        f'style="width:100%;max-width:{width}px;height:auto" data-total="{total}">'
        f"<title>{summary}</title>{axis}{''.join(bars)}</svg>"
    )
