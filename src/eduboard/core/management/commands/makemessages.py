"""Django's `makemessages`, also finding the report's texts: `N("1 child", "%(count)s children", n)`,
`NP(context, singular, plural, n)` and `P(context, text)` of `eduboard.reports.content`."""

from django.core.management.commands import makemessages

from eduboard.core.commands import OneLineErrors


class Command(OneLineErrors, makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=N:1,2",
        "--keyword=NP:1c,2,3",
        "--keyword=P:1c,2",
    ]
