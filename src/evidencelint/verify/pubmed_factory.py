"""Build the PubMed lookup a command asked for, from its flags and the configuration
(the twin of verify/factory.py for the second registry)."""

from __future__ import annotations

from evidencelint.config import Config
from evidencelint.verify.factory import budget_for, cache_folder, cache_mode
from evidencelint.verify.pubmed import (
    DEFAULT_EUTILS_URL,
    DEFAULT_PMC_URL,
    NcbiSettings,
    PubmedLookup,
)


def build_pubmed(
    config: Config,
    *,
    offline: bool = False,
    no_cache: bool = False,
    refresh: bool = False,
    audit: bool = False,
) -> PubmedLookup:
    mode = cache_mode(offline=offline, no_cache=no_cache, refresh=refresh)
    budget = budget_for(config, audit=audit)
    settings = NcbiSettings(
        eutils_url=config.ncbi_url or DEFAULT_EUTILS_URL,
        pmc_url=config.ncbi_url or DEFAULT_PMC_URL,
        api_key=config.ncbi_api_key,
        email=config.mailto,
        cache_path=None if no_cache else cache_folder(config),
        mode=mode,
        deadline=budget.doi,
        run_budget=budget.run,
    )
    return PubmedLookup(settings)
