"""Finding and creating regional pools.

A pool is an ordinary scheme of kind ``pool`` in its network, so its accounts, ledger,
statements and federation position work as everywhere else. Its currency is the
federation unit itself: code ``FED``, rate 1, two decimals, so that a balance moved into
it keeps its value in federation units to the hundredth. It has no organisers: the
national body runs it. Nobody joins a pool by ``members.add``; accounts arrive by the
balance migration of a wind-up.
"""

from __future__ import annotations

from sqlalchemy import select

from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Network, Scheme
from lets_platform.tenancy.operations import NetworkNotFound, provision_scheme

POOL_PREFIX = "pool-"
POOL_DECIMALS = 2
POOL_CURRENCY = {
    "currency_code": "FED",
    "currency_name": "federation units",
    "decimals": POOL_DECIMALS,
}
POOL_RATE = "1"

NoRegionalNetwork = _error(
    "no_regional_network",
    409,
    "The scheme belongs to no regional network, so it has no regional pool; put it in one first.",
)


def pool_slug(network: Network) -> str:
    """``pool-<network>``, cut to the 63 characters a slug may have."""
    return (POOL_PREFIX + network.slug)[:63].rstrip("-")


def find_pool(network: Network) -> Scheme | None:
    pool = db.session.scalar(
        select(Scheme).where(Scheme.network_id == network.id, Scheme.kind == "pool")
    )
    if pool is not None:
        scope.allow(pool.id)
    return pool


def ensure_pool(network: Network, actor: Person | None = None) -> Scheme:
    """The network's regional pool, provisioned (with its federation books) if it has none.

    Returns:
        the pool, a flushed scheme of kind ``pool``.
    """
    pool = find_pool(network)
    if pool is not None:
        return pool
    return provision_scheme(
        slug=pool_slug(network),
        name=f"{network.name} regional pool",
        network=network.slug,
        rate=POOL_RATE,
        kind="pool",
        actor=actor,
        **POOL_CURRENCY,  # type: ignore[arg-type]
    )


def pool_for_scheme(scheme: Scheme, actor: Person | None = None) -> Scheme:
    """The regional pool of ``scheme``'s network (created if new)."""
    if scheme.network is None:
        raise NoRegionalNetwork(f"{scheme.slug} belongs to no regional network.")
    return ensure_pool(scheme.network, actor)


def ensure_pool_by_slug(network_slug: str, actor: Person | None = None) -> Scheme:
    network = db.session.scalar(select(Network).where(Network.slug == network_slug))
    if network is None:
        raise NetworkNotFound(f"There is no network {network_slug!r}.")
    return ensure_pool(network, actor)


def list_pools() -> list[Scheme]:
    return list(
        db.session.scalars(select(Scheme).where(Scheme.kind == "pool").order_by(Scheme.slug))
    )
