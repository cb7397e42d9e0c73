"""The law as dated data: rule book (keys, Leitung bands, quota), catalogue, parameters."""

from kitameldung.rules.parameters import ConfigError, Parameters
from kitameldung.rules.regeldaten import RuleFileError, load_rulebook
from kitameldung.rules.rulebook import RuleBook

__all__ = ["ConfigError", "Parameters", "RuleBook", "RuleFileError", "load_rulebook"]
