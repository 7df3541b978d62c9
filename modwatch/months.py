"""The English month names, lower case, January first: the keys of dateparser's CLDR month data
(``modwatch.extract.dates.zones``) and the names of half-years in transparency reports
(``modwatch.transparency.layouts``). Not ``calendar.month_name``: it follows the process locale."""

ENGLISH_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
