"""The facets' list (includes/facets.html) in Python: the same HTML (tests/test_cards.py
compares them), for the search page's sixty-odd values, whose template lookups cost more
than the rest of the facets' Python."""

from django.utils.safestring import SafeString, mark_safe

from base.html import escaped

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
        name, title = escaped(facet.name), escaped(facet.title)
        out.append(
            f'\n  <section class="facet facet--{name}" aria-labelledby="facet-{name}">\n'
            f'    <h3 class="facet__title" id="facet-{name}">{title}</h3>\n'
            '    <ul class="facet__list">\n'
            "      "
        )
        for value in facet.values:
            label = escaped(value.label)
            out.append(
                "\n"
                + VALUE.format(
                    selected_class=" facet__link--selected" if value.selected else "",
                    url=escaped(value.url),
                    current=' aria-current="true"' if value.selected else "",
                    label=label,
                    chosen=(
                        '<span class="visually-hidden"> (chosen: remove)</span>'
                        if value.selected
                        else ""
                    ),
                    count=escaped(value.count_text),
                )
            )
        out.append("\n    </ul>\n  </section>\n  ")
    out.append("\n</nav>\n\n")
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
