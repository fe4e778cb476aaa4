"""{% organization_card organization %}: organizations.cards in a template."""

from django import template

from organizations import cards

register = template.Library()


@register.simple_tag(takes_context=True)
def organization_card(context, organization):
    return cards.organization_card(organization, context.get("user"))
