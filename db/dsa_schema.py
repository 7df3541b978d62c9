"""The columns of ``statements_of_reasons`` (EU DSA statements of reasons) and the v1 -> v2 renames the
schema applies in SQL: the schema's own constants, read by the parser (``modwatch.transparency.dsa``) and
the loader. Released migrations keep frozen copies (``db/migrations_dsa.py``, ``db/migrations_dsa_notes.py``).
"""

#: every column of the full v2 export, in export order (the ``statements_of_reasons`` columns)
COLUMNS = (
    "uuid",
    "decision_visibility",
    "decision_visibility_other",
    "end_date_visibility_restriction",
    "decision_monetary",
    "decision_monetary_other",
    "end_date_monetary_restriction",
    "decision_provision",
    "end_date_service_restriction",
    "decision_account",
    "end_date_account_restriction",
    "account_type",
    "decision_ground",
    "decision_ground_reference_url",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "incompatible_content_illegal",
    "category",
    "category_addition",
    "category_specification",
    "category_specification_other",
    "content_type",
    "content_type_other",
    "content_language",
    "content_date",
    "content_id_ean",
    "territorial_scope",
    "application_date",
    "decision_facts",
    "source_type",
    "source_identity",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "platform_uid",
    "created_at",
)
#: cells holding a JSON array of codes
JSON_ARRAY_COLUMNS = (
    "decision_visibility",
    "category_addition",
    "category_specification",
    "content_type",
    "territorial_scope",
)
#: v1 category -> v2 category (API documentation changelog, 1 July 2025); others unchanged.
#: Applied in SQL by the generated column ``statements_of_reasons.category_v2``.
CATEGORY_RENAMES = {
    "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
}
#: v1 ``category_specification`` keyword -> its v2 name (API v2 changelog, 1 July 2025: keywords
#: renamed, or two merged into one; keywords only removed or added are not listed). Applied in SQL
#: by the generated column ``statements_of_reasons.category_specification_v2`` (the raw cell is
#: kept in ``category_specification``) and published as the table ``dsa_keyword_renames``
#: (``db/migrations_dsa_notes.py``). Source: the EC's changelog of API v2 (linked from
#: ``resources/markdown/migration-to-api-v-two.md`` and ``api-documentation.md`` of the public repository
#: ``digital-services-act/transparency-database``; see the SOURCE.md of the DSA data folder).
KEYWORD_RENAMES = {
    "KEYWORD_ONLINE_BULLYING_INTIMIDATION": "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE": "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_INSUFFICIENT_INFORMATION_TRADERS": "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_DISINFORMATION": "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_MISINFORMATION": "KEYWORD_MISINFORMATION_DISINFORMATION",
}
