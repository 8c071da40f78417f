"""Reading DHIS2 ImportReports in tests: what each type did, and every error message, in order."""


def outcomes(report: dict) -> dict[str, dict[str, int]]:
    """Per type (DHIS2's class name without its package), the non-zero counts, e.g.
    {"DataElement": {"created": 2}}."""
    result = {}
    for type_report in report["typeReports"]:
        counts = {k: v for k, v in type_report["stats"].items() if v and k != "total"}
        if counts:
            result[type_report["klass"].rsplit(".", 1)[-1]] = counts
    return result


def messages(report: dict) -> list[str]:
    return [
        error["message"]
        for type_report in report["typeReports"]
        for object_report in type_report["objectReports"]
        for error in object_report["errorReports"]
    ]
