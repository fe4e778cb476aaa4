"""The facets' list (includes/facets.html) in Python: the same HTML (tests/test_cards.py
compares them), for the search page's sixty-odd values, whose template lookups cost more
than the rest of the facets' Python."""

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

VALUE = (
    "      <li>\n"
    '        <a class="facet__link{selected_class}" href="{url}"{current}>\n'
    '          <span class="facet__label" title="{label}">{label}{chosen}</span>\n'
    '          <span class="facet__count">{count}</span>\n'
    "        </a>\n"
    "      </li>\n"
    "      "
)


def facets_html(facets) -> SafeString:
    """The <nav> of `facets` (a list of Facet: name, title, values of FacetValue)."""
    if not facets:
        return mark_safe("\n\n")
    out = [
        "\n\n"
        '<nav class="facets" aria-labelledby="facets-title">\n'
        '  <h2 class="facets__title" id="facets-title">Refine</h2>\n'
        "  "
    ]
    for facet in facets:
        name, title = conditional_escape(facet.name), conditional_escape(facet.title)
        out.append(
            f'\n  <section class="facet facet--{name}" aria-labelledby="facet-{name}">\n'
            f'    <h3 class="facet__title" id="facet-{name}">{title}</h3>\n'
            '    <ul class="facet__list">\n'
            "      "
        )
        for value in facet.values:
            label = conditional_escape(value.label)
            out.append(
                "\n"
                + VALUE.format(
                    selected_class=" facet__link--selected" if value.selected else "",
                    url=conditional_escape(value.url),
                    current=' aria-current="true"' if value.selected else "",
                    label=label,
                    chosen=(
                        '<span class="visually-hidden"> (chosen: remove)</span>'
                        if value.selected
                        else ""
                    ),
                    count=conditional_escape(value.count_text),
                )
            )
        out.append("\n    </ul>\n  </section>\n  ")
    out.append("\n</nav>\n\n")
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
