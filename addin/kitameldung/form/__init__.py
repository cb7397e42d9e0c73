"""Reading the official form: workbook access, profiles, label-driven location, value parsing."""

from kitameldung.form.profile import Profile, ProfileError, builtin_profiles, load_profile
from kitameldung.form.reader import meldung_from_sheets, read_meldung
from kitameldung.form.workbook import FormError

__all__ = [
    "FormError",
    "Profile",
    "ProfileError",
    "builtin_profiles",
    "load_profile",
    "meldung_from_sheets",
    "read_meldung",
]
