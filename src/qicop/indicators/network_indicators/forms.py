"""Forms of the network indicator pages: an indicator's definition, and a country's mapping chosen by name
from lists (data elements with their disaggregations, the country's indicators, attributes), never by
typing a UID."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qicop.indicators.models import ChartKind, Improvement, IndicatorMapping, NetworkIndicator
from qicop.indicators.network_indicators import selectors
from qicop.indicators.network_indicators.services import RESERVED_CODES
from qicop.indicators.network_indicators.words import parsed
from qicop.integrations.dhis2.expressions import Binary, DataItem, Number

_field = NetworkIndicator._meta.get_field


class NetworkIndicatorForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=_field("name").max_length,
        help_text=_("What the network compares, e.g. Second 95: on treatment among the diagnosed."),
        error_messages={
            "required": _("Give the indicator a name."),
            "max_length": _("Keep the name to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    code = forms.SlugField(
        label=_("Code"),
        max_length=_field("code").max_length,
        required=False,
        help_text=_(
            "Used in links and saved charts; it cannot change later. Letters, digits and hyphens, e.g. "
            "second-95. Leave it empty to make one from the name."
        ),
        error_messages={
            "invalid": _("Use only letters, digits, hyphens and underscores in the code (no spaces)."),
            "max_length": _("Keep the code to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    description = forms.CharField(
        label=_("Definition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What exactly is counted, and what is left out, as countries should report it."),
    )
    numerator_label = forms.CharField(
        label=_("Numerator: what is counted"),
        max_length=_field("numerator_label").max_length,
        help_text=_("e.g. People on ART with a suppressed viral load (< 1000 copies/mL)"),
        error_messages={
            "required": _("Say what the numerator counts."),
            "max_length": _("Keep the numerator to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    denominator_label = forms.CharField(
        label=_("Denominator: out of what"),
        max_length=_field("denominator_label").max_length,
        required=False,
        help_text=_("e.g. People on ART with a viral load result. Leave it empty for a count (c chart)."),
        error_messages={
            "max_length": _("Keep the denominator to %(limit_value)d characters (it has %(show_value)d).")
        },
    )
    factor = forms.IntegerField(
        label=_("Factor"),
        min_value=1,
        max_value=1_000_000,
        initial=100,
        help_text=_("100 for a percentage, 1000 for a rate per thousand, 1 for a plain ratio or count."),
        error_messages={
            "required": _("Give a factor: 100 for a percentage."),
            "invalid": _("The factor is a whole number, e.g. 100."),
            "min_value": _("The factor is at least 1."),
            "max_value": _("The factor is at most 1,000,000."),
        },
    )
    improvement = forms.ChoiceField(
        label=_("Direction of improvement"),
        choices=Improvement.choices,
        initial=Improvement.UP,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether higher or lower values are better.")},
    )
    target = forms.DecimalField(
        label=_("Target"),
        required=False,
        max_digits=12,
        decimal_places=4,
        help_text=_("In the indicator's unit (e.g. 95 for 95 %). Optional."),
        error_messages={
            "invalid": _("The target is a number, e.g. 95 or 92.5."),
            "max_digits": _("The target has too many digits."),
            "max_decimal_places": _("Give the target with at most 4 decimals."),
        },
    )
    chart_kind = forms.ChoiceField(
        label=_("Chart"),
        choices=ChartKind.choices,
        initial=ChartKind.P,
        help_text=_("How its control chart is drawn: a p chart for proportions, a u chart for rates…"),
        error_messages={"invalid_choice": _("Choose a chart from the list.")},
    )
    topic = forms.CharField(
        label=_("Topic"),
        max_length=_field("topic").max_length,
        required=False,
        help_text=_("Groups indicators on the dashboard, e.g. Viral load. Optional."),
        error_messages={
            "max_length": _("Keep the topic to %(limit_value)d characters (it has %(show_value)d).")
        },
    )
    order = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("Indicators are listed by position, then by name."),
        error_messages={
            "invalid": _("The position is a whole number, e.g. 3."),
            "min_value": _("The position is 0 or more."),
            "max_value": _("The position is at most 32767."),
        },
    )

    def __init__(self, data=None, *, network, indicator: NetworkIndicator | None = None, **kwargs):
        if indicator is not None:
            kwargs.setdefault("initial", {name: getattr(indicator, name) for name in self.base_fields})
        super().__init__(data, **kwargs)
        self.network, self.indicator = network, indicator
        if indicator is not None:
            del self.fields["code"]  # it stays what it is: links and saved charts use it

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code in RESERVED_CODES:
            raise forms.ValidationError(
                _("“%(code)s” names a page of qicop: choose another code."), params={"code": code}
            )
        if code and selectors.code_taken(self.network, code):
            raise forms.ValidationError(
                _("This network already has an indicator with the code “%(code)s”."), params={"code": code}
            )
        return code

    def clean_target(self):
        target = self.cleaned_data["target"]
        if target is not None and target < 0:
            raise forms.ValidationError(_("The target cannot be negative."))
        return target

    def clean_order(self):
        return self.cleaned_data["order"] or 0


@dataclass(frozen=True)
class Choice:
    """A choice's label: its name, and a detail line (its code, else its UID) for the data manager who
    needs it."""

    name: str
    detail_label: str = ""
    detail: str = ""

    def __str__(self) -> str:
        return self.name


class DetailedCheckboxes(forms.CheckboxSelectMultiple):
    option_template_name = "indicators/network_indicators/_option.html"


class DetailedRadios(forms.RadioSelect):
    option_template_name = "indicators/network_indicators/_option.html"


def _labelled(obj, name: str | None = None) -> Choice:
    """``obj``'s name, with its code (or its UID where it has none) for the detail line."""
    if obj.code:
        return Choice(name or obj.name, gettext("Code"), obj.code)
    return Choice(name or obj.name, "UID", obj.uid)


def plain_sum(text: str) -> list | None:
    """The operands of an expression that is a plain sum of data items (``#{a} + #{b.c}``), else None;
    "1" is the empty sum."""
    expression = parsed(text)
    if expression is None:
        return None
    if isinstance(expression.root, Number) and expression.root.value == 1:
        return []
    operands = []

    def walk(node) -> bool:
        if isinstance(node, DataItem):
            operands.append(node.operand)
            return True
        return isinstance(node, Binary) and node.op == "+" and walk(node.left) and walk(node.right)

    return operands if walk(expression.root) else None


def _key(operand) -> str:
    return operand.data_element + (
        f".{operand.category_option_combo}" if operand.category_option_combo else ""
    )


class MappingForm(forms.Form):
    """A country's mapping: either one of its indicators, or data elements ticked for the numerator and
    the denominator (each summed), optionally narrowed to one attribute."""

    indicator = forms.ChoiceField(
        label=_("One of the country's indicators"),
        required=False,
        widget=DetailedRadios,
        help_text=_(
            "Its numerator and denominator are used as they are. Or leave it and tick data elements below."
        ),
        error_messages={"invalid_choice": _("Choose one of the indicators listed.")},
    )
    numerator = forms.MultipleChoiceField(
        label=_("Numerator: data elements counted (added up)"),
        required=False,
        widget=DetailedCheckboxes,
        error_messages={"invalid_choice": _("Choose data elements from the list.")},
    )
    denominator = forms.MultipleChoiceField(
        label=_("Denominator: data elements counted (added up)"),
        required=False,
        widget=DetailedCheckboxes,
        help_text=_("Tick none for a count (the numerator is shown as it is)."),
        error_messages={"invalid_choice": _("Choose data elements from the list.")},
    )
    attribute = forms.ChoiceField(
        label=_("Only the values of one attribute (e.g. a funding mechanism)"),
        required=False,
        widget=DetailedRadios,
        error_messages={"invalid_choice": _("Choose one of the attributes listed.")},
    )
    definition_differences = forms.CharField(
        label=_("How the country's definition differs from the network's"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "e.g. Suppression below 50 copies/mL instead of 1000. Shown beside the country's values wherever "
            "countries are compared. Leave it empty when the definition is the network's."
        ),
        error_messages={"max_length": _("Keep this to %(limit_value)d characters (it has %(show_value)d).")},
    )

    def __init__(
        self, data=None, *, country, mapping: IndicatorMapping | None = None, search: str = "", **kwargs
    ):
        self.country, self.mapping = country, mapping
        self.kept: tuple[str, str] | None = None  # the current expressions, when no choice can show them
        initial = self._initial(mapping) if mapping is not None else {"attribute": ""}
        kwargs.setdefault("initial", initial)
        super().__init__(data, **kwargs)
        chosen = set(self.initial.get("numerator", [])) | set(self.initial.get("denominator", []))
        if data is not None:
            chosen |= set(data.getlist("numerator")) | set(data.getlist("denominator"))
        choices = selectors.operand_choices(
            country, search=search, keep={key.split(".")[0] for key in chosen}
        )
        self.operands = choices
        options = []
        for element in choices.elements:
            combos = choices.combos.get(element.category_combo_id, [])
            label = (
                gettext("%(element)s (all disaggregations)") % {"element": element.name}
                if combos
                else element.name
            )
            options.append((element.uid, _labelled(element, label)))
            for coc in combos:
                options.append(
                    (f"{element.uid}.{coc.uid}", _labelled(element, f"{element.name}: {coc.name}"))
                )
        self.fields["numerator"].choices = options
        self.fields["denominator"].choices = options
        self.indicators = {i.uid: i for i in selectors.indicator_choices(country)[: selectors.CHOICE_LIMIT]}
        if self.indicators:
            self.fields["indicator"].choices = [("", gettext("None: use the data elements ticked below"))] + [
                (uid, _labelled(i)) for uid, i in self.indicators.items()
            ]
        else:
            del self.fields["indicator"]  # the country keeps no indicator: data elements only
        attributes = list(selectors.attribute_choices(country)[: selectors.CHOICE_LIMIT])
        if attributes:
            self.fields["attribute"].choices = [("", gettext("All attributes"))] + [
                (a.uid, _labelled(a)) for a in attributes
            ]
        else:
            del self.fields["attribute"]

    def _initial(self, mapping: IndicatorMapping) -> dict:
        initial = {"definition_differences": mapping.definition_differences, "attribute": ""}
        # The country's indicator whose expressions it took, first: that is what the person chose.
        for indicator in selectors.indicator_choices(self.country).filter(
            numerator=mapping.numerator, denominator=mapping.denominator
        )[:1]:
            initial["indicator"] = indicator.uid
            return initial
        numerator, denominator = plain_sum(mapping.numerator), plain_sum(mapping.denominator)
        if numerator and denominator is not None:
            attributes = {o.attribute_option_combo for o in numerator + denominator}
            if len(attributes) == 1:
                initial["numerator"] = [_key(o) for o in numerator]
                initial["denominator"] = [_key(o) for o in denominator]
                initial["attribute"] = attributes.pop() or ""
                return initial
        self.kept = (mapping.numerator, mapping.denominator)
        return initial

    def clean(self):
        cleaned = super().clean()
        indicator = cleaned.get("indicator")
        numerator, denominator = cleaned.get("numerator") or [], cleaned.get("denominator") or []
        attribute = cleaned.get("attribute") or ""
        if indicator and (numerator or denominator):
            raise forms.ValidationError(
                _("Choose either one of the country's indicators or data elements, not both."), code="both"
            )
        if indicator and attribute:
            self.add_error(
                "attribute", _("An attribute narrows ticked data elements; it cannot narrow an indicator.")
            )
        elif indicator:
            chosen = self.indicators[indicator]
            cleaned["expressions"] = (chosen.numerator, chosen.denominator)
        elif numerator:
            cleaned["expressions"] = (
                _sum(numerator, attribute),
                _sum(denominator, attribute) if denominator else "1",
            )
        elif denominator:
            self.add_error("numerator", _("Tick at least one data element for the numerator."))
        elif self.kept is not None:
            cleaned["expressions"] = self.kept  # only the stated differences change
        else:
            self.add_error(
                "numerator",
                _(
                    "Tick at least one data element for the numerator, or choose one of the country's "
                    "indicators."
                ),
            )
        return cleaned


def _sum(keys: list[str], attribute: str) -> str:
    items = []
    for key in keys:
        element, _dot, combo = key.partition(".")
        parts = [element, combo or "*"] + ([attribute] if attribute else [])
        while parts[-1] == "*":
            parts.pop()
        items.append("#{" + ".".join(parts) + "}")
    return " + ".join(items)
