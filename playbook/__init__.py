"""playbook: evaluate YAML rule packs against a partner's answers."""

__version__ = "0.1.0"
ENGINE_VERSION = __version__
