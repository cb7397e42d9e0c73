"""The law as dated data: rule book (keys, Leitung bands, quota), catalogue, parameters."""

from kitameldung.rules.parameters import ConfigError, Parameters
from kitameldung.rules.rulebook import RuleBook, load_rulebook

__all__ = ["ConfigError", "Parameters", "RuleBook", "load_rulebook"]
