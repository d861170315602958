"""The wind-up decision and the wind-up's states.

``decide`` records the ballot (the national body's totals, or the result of the scheme's
own wind-up ballot in ``governance.ballots``) against the scheme's own majority rule, puts
the scheme in ``winding_up`` and queues a notice to every member. The
wind-up's ``state`` then moves only here: ``start_migration`` (repayment -> migrating)
and ``finish`` (migrating -> closed, the scheme closed with it), each a conditional
UPDATE that a resumed job may call again harmlessly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update

from lets_federation.pools.operations import pool_for_scheme
from lets_federation.windup import notices
from lets_federation.windup.models import WindUp
from lets_platform import clock
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.money import parse_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.constitution import rules
from lets_tenants.constitution.operations import rule
from lets_tenants.joining.operations import electorate

BallotShort = _error(
    "ballot_short_of_two_thirds",
    422,
    "A scheme is wound up only by the majority its constitution requires.",
)
AlreadyWindingUp = _error("already_winding_up", 409, "The scheme is winding up already.")
SchemeNotActive = _error("scheme_not_active", 409, "Only an active scheme can be wound up.")
PoolNotWoundUp = _error(
    "pool_not_wound_up", 409, "A regional pool is not wound up by a ballot; it has no members'."
)
DeadlineInvalid = _error(
    "deadline_invalid", 422, "The repayment deadline must be a date after today."
)
WindUpNotFound = _error("wind_up_not_found", 404, "The scheme is not winding up.")
WindUpWrongState = _error(
    "wind_up_wrong_state", 409, "The wind-up is not in the state this step needs."
)
RepaymentPeriodNotOver = _error(
    "repayment_period_not_over",
    409,
    "The repayment period is not over: balances migrate after the deadline, unless the "
    "national body forces it with a reason.",
)
#: The longest reason kept for a forced start (``migration_runs.forced_reason``).
MAX_FORCE_REASON = 500


def check_majority(scheme: Scheme, votes: list[int]) -> tuple[str, int]:
    """The scheme's own wind-up majority (WES 13(b): two thirds of the votes cast; Bright
    12.2: two thirds of the membership) against ``[for, against, abstaining]``.

    Returns:
        the rule met and the electorate (members with a vote now).
    Raises:
        ballot_short_of_two_thirds, naming the rule, its clause and the votes needed.
    """
    majority = rule(scheme, "wind_up_majority")
    count = rules.Count(votes[0], votes[1], votes[2], electorate(scheme))
    if not rules.passes(majority.value, count):
        needed = rules.needed_for(majority.value, count)
        raise BallotShort(
            f"{votes[0]} for and {votes[1]} against is short of "
            f"{rules.describe_majority(majority.value)} ({needed} votes for needed), which "
            f"{majority.cite('the wind-up majority')} requires.",
            votes_for=votes[0],
            votes_against=votes[1],
            majority=majority.value,
            clause=majority.clause,
            electorate=count.electorate,
            needed=needed,
        )
    return majority.value, count.electorate


def decide(
    scheme: Scheme,
    *,
    votes_for: Any,
    votes_against: Any,
    votes_abstaining: Any = 0,
    meeting_date: date | None = None,
    deadline: date,
    significant_debit: Any = None,
    ballot_id: int | None = None,
    actor: Person | None,
) -> WindUp:
    """Record the decision to wind ``scheme`` up; the scheme goes to ``winding_up``.

    Args:
        meeting_date: the meeting or ballot count (default today); not in the future.
        deadline: the last day of the repayment period; after today.
        significant_debit: the debit (and credit) the meeting called significant, a
            decimal string in the scheme's currency, or None.
    Returns:
        the flushed wind-up in state ``repayment``; a notice to every member is sent by a
        job once this commits.
    Raises:
        pool_not_wound_up, already_winding_up, scheme_not_active, validation_failed,
        ballot_short_of_two_thirds (short of the scheme's own wind-up majority),
        deadline_invalid, no_regional_network.
    """
    _check_scheme(scheme)
    votes = [_votes(v, name) for v, name in _named(votes_for, votes_against, votes_abstaining)]
    majority, voters = check_majority(scheme, votes)
    today = clock.now().date()
    meeting = meeting_date or today
    _check_dates(meeting, deadline, today)
    threshold = None
    if significant_debit is not None:
        threshold = parse_amount(significant_debit, scheme.currency_decimals)
    wind_up = WindUp(
        scheme_id=scheme.id,
        state="repayment",
        decided_at=clock.now(),
        meeting_date=meeting,
        votes_for=votes[0],
        votes_against=votes[1],
        votes_abstaining=votes[2],
        majority=majority,
        electorate=voters,
        ballot_id=ballot_id,
        deadline=deadline,
        significant_debit=threshold,
        pool_id=pool_for_scheme(scheme, actor).id,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(wind_up)
    scheme.status = "winding_up"
    db.session.flush()
    record(
        "scheme.wind_up_decided",
        f"scheme:{scheme.slug}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        votes=votes,
        deadline=deadline.isoformat(),
    )
    notices.queue(wind_up)
    return wind_up


def _named(*values: Any) -> list[tuple[Any, str]]:
    return list(zip(values, ("votes_for", "votes_against", "votes_abstaining"), strict=True))


def _votes(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationFailed(
            f"{name} must be a whole number, 0 or more.", errors={name: [">= 0"]}
        )
    return value


def _check_scheme(scheme: Scheme) -> None:
    if scheme.kind == "pool":
        raise PoolNotWoundUp(f"{scheme.slug} is a regional pool.")
    if scheme.status == "winding_up":
        raise AlreadyWindingUp(f"{scheme.slug} is winding up already.")
    if scheme.status != "active":
        raise SchemeNotActive(f"{scheme.slug} is {scheme.status}.")


def _check_dates(meeting: date, deadline: date, today: date) -> None:
    if meeting > today:
        raise ValidationFailed(
            "The meeting date cannot be in the future.", errors={"meeting_date": ["future"]}
        )
    if deadline <= today:
        raise DeadlineInvalid(f"The deadline {deadline} is not after today ({today}).")


def get_wind_up(scheme: Scheme) -> WindUp:
    """The scheme's wind-up, or ``wind_up_not_found``."""
    found = db.session.scalar(select(WindUp).where(WindUp.scheme_id == scheme.id))
    if found is None:
        raise WindUpNotFound(f"{scheme.slug} is not winding up.")
    return found


def _move(wind_up: WindUp, source: str, target: str, **values: Any) -> bool:
    """Move the state ``source`` -> ``target``; False when it is at ``target`` already."""
    moved = db.session.execute(
        update(WindUp)
        .where(WindUp.id == wind_up.id, WindUp.state == source)
        .values(state=target, **values)
        .returning(WindUp.id)
        .execution_options(synchronize_session=False)
    ).first()
    db.session.expire(wind_up)
    if moved is None and wind_up.state != target:
        raise WindUpWrongState(f"The wind-up is {wind_up.state}, not {source}.")
    return moved is not None


def repayment_ends(wind_up: WindUp) -> datetime:
    """When the repayment period is over: the end of the deadline's day (UTC)."""
    return datetime.combine(wind_up.deadline + timedelta(days=1), time(0), tzinfo=UTC)


def check_may_migrate(
    wind_up: WindUp, *, force: bool = False, reason: str | None = None
) -> str | None:
    """Whether the wind-up's balances may start moving now (by ``lets_platform.clock``).

    Before the repayment period ends only the national body may start it, with ``force``
    and a reason; a run started already resumes freely (its wind-up is ``migrating``).

    Returns:
        the reason to keep with the run when it is forced early, else None.
    Raises:
        repayment_period_not_over (before the end, unforced); validation_failed (forced
        without a reason). Who may start a migration at all (the national body) is the
        caller's check.
    """
    if wind_up.state != "repayment" or clock.now() >= repayment_ends(wind_up):
        return None
    ends = repayment_ends(wind_up).strftime("%Y-%m-%d %H:%M UTC")
    if not force:
        raise RepaymentPeriodNotOver(
            f"The repayment period ends at {ends} (the end of {wind_up.deadline}); "
            "the national body may force an early start with a reason.",
            ends_at=ends,
        )
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_FORCE_REASON:
        raise ValidationFailed(
            f"A forced start needs a reason (at most {MAX_FORCE_REASON} characters).",
            errors={"reason": ["required when forcing"]},
        )
    return reason.strip()


def start_migration(wind_up: WindUp) -> bool:
    """repayment -> migrating: choices are closed from now on. True if moved now, False
    if it was migrating already (a resumed job); ``wind_up_wrong_state`` when closed."""
    return _move(wind_up, "repayment", "migrating", migration_started_at=clock.now())


def finish(wind_up: WindUp) -> bool:
    """migrating -> closed, and the scheme ``closed`` (read-only). True if moved now."""
    moved = _move(wind_up, "migrating", "closed", closed_at=clock.now())
    if moved:
        db.session.execute(
            update(Scheme)
            .where(Scheme.id == wind_up.scheme_id)
            .values(status="closed")
            .execution_options(synchronize_session=False)
        )
        db.session.expire(wind_up.scheme)
    return moved
