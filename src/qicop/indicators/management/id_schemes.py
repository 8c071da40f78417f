"""The id-scheme options that `qicop import` and `qicop export` share, named after DHIS2's parameters."""

# option dest → DHIS2 parameter
OPTIONS = {
    "id_scheme": "idScheme",
    "data_element_id_scheme": "dataElementIdScheme",
    "org_unit_id_scheme": "orgUnitIdScheme",
    "category_option_combo_id_scheme": "categoryOptionComboIdScheme",
    "attribute_option_combo_id_scheme": "attributeOptionComboIdScheme",
}


def add_id_scheme_arguments(parser) -> None:
    schemes = "UID, CODE, NAME or ATTRIBUTE:<attribute UID>"
    parser.add_argument(
        "--id-scheme",
        help=f"how the file names everything: {schemes} (default: CODE for ADX, as DHIS2; else UID)",
    )
    for dest in list(OPTIONS)[1:]:
        kind = dest.removesuffix("_id_scheme").replace("_", " ")
        parser.add_argument(
            f"--{dest.replace('_', '-')}",
            dest=dest,
            help=f"how the file names {kind}s, when not as --id-scheme says",
        )


def id_scheme_parameters(options: dict) -> dict[str, str]:
    return {parameter: options[dest] for dest, parameter in OPTIONS.items() if options.get(dest)}
