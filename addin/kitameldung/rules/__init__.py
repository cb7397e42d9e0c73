"""The law as dated data: rule book (keys, Leitung bands, quota) and parameters."""

from kitameldung.rules.parameters import Parameters, load_parameters
from kitameldung.rules.rulebook import RuleBook, load_rulebook

__all__ = ["Parameters", "RuleBook", "load_parameters", "load_rulebook"]
