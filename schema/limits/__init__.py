"""What keeps hostile documents off the resolvers: the validation rules and extensions of the endpoint.

cost.py               a worst-case cost per document, lists multiplied by their page size
shape.py              field repeats, directives and fragment bombs, checked before other rules
guarded_validation.py validation in two passes, cheap limits first, both cached
operation_name.py     several operations without `operationName` refused, as the spec asks
extensions.py         the extensions and rules above, built from the settings
unstorable_text.py    NUL and lone surrogates in string input refused (no database can hold them)
suggestions.py        "Did you mean …?" removed from errors while introspection is off
error_codes.py        BAD_USER_INPUT or INTERNAL_SERVER_ERROR on resolver errors; masking
error_log.py          refused requests logged in a line (size, hash, excerpt), internal errors in full
"""
