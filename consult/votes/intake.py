"""Ballots from many voters at once: the facts of an open vote kept per process, and group commit.

When thousands of residents vote in the same minute, what costs is not the ballot but everything around it: the
vote read again and again, its topic and meeting to decide who may see it, a transaction and a commit per
ballot. Here:

- **Facts.** What never changes once a vote is open (its kind, number of options, secrecy, proxies, box salt) is
  read once per process (``facts``). ``ballots.write`` checks under its lock that the vote is still open and
  that its salt is the one these facts were read with.
- **Sight.** Whether a person may see a vote (``vote.view``, the predicate of the routes and the socket events)
  is asked first for anyone (a vote on a public topic: no person is loaded), then for the person, and a yes is
  kept per process for ``SIGHT_SECONDS``, as the sockets keep their login (``consult.socket_ends``): a role or a
  residence that ends ends the person's sockets at once, and a page load asks again after that time.
- **Group commit** (``cast``). Each ballot joins a queue; one of the waiting requests (the first to arrive
  while no batch is being written) writes every queued ballot in one transaction (``ballots.write``: one locking
  read, one ``UPDATE`` and one ``INSERT`` per vote for the whole batch) and commits once, then hands the queue to
  the next waiting request. A batch is what arrived while the previous one was written: one ballot when the
  vote is quiet, hundreds in a crowd, with no timer and no extra wait. Each request still gets its own answer
  (its receipt, or its own refusal) and, if the batch failed, its error.

Each waiting request holds no database connection: the caller's transaction is ended before it queues (so a
crowd of waiting requests cannot use up the pool the writer needs).
"""

import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from consult.accounts.session import live_logins
from consult.db import db
from consult.db import rollback_quietly

from .ballot_refusals import session_ended
from .ballots import Cast
from .ballots import prepare
from .ballots import write
from .models import Channel
from .models import Vote
from .models import VoteOption
from .models import VoteStatus

#: Who ``vote.view`` is asked for first: anyone, logged in or not.
ANYONE = AnonymousUserMixin()
#: The most ballots written in one transaction.
BATCH = 500
#: How long a person's right to see a vote is kept before it is checked again.
SIGHT_SECONDS = 30.0
#: Entries kept before the tables are emptied (bounded memory on a long-lived process).
TABLE_MAX = 50_000


@dataclass(frozen=True)
class Facts:
    """What a vote's ballots are checked and sealed with; fixed from its opening on."""

    id: int
    kind: str
    max_choices: int
    options: int
    secret: bool
    proxies_allowed: bool
    box_salt: str
    meeting_id: int | None


_facts: dict[int, Facts] = {}
_sight: dict[tuple[int, int], float] = {}


def facts(vote_id: int) -> Facts | None:
    """The facts of vote ``vote_id`` (``None``: no such vote); kept once it is open (one statement otherwise)."""
    known = _facts.get(vote_id)
    if known is not None:
        return known
    options = sa.select(sa.func.count(VoteOption.id)).where(VoteOption.vote_id == Vote.id).scalar_subquery()
    row = db.session.execute(
        sa.select(
            Vote.id,
            Vote.kind,
            Vote.max_choices,
            options,
            Vote.secret,
            Vote.proxies_allowed,
            Vote.box_salt,
            Vote.meeting_id,
            Vote.status,
        ).where(Vote.id == vote_id)
    ).first()
    if row is None:
        return None
    found = Facts(*row[:-1])
    if row.status != VoteStatus.DRAFT and found.box_salt:
        _remember(_facts, vote_id, found)
    return found


def sees(user_id: int, vote_id: int, check) -> bool:
    """Whether the person may see the vote, by the ``vote.view`` predicate: ``check(None)`` asks it for anyone (no
    person loaded: a vote on a public topic is seen by all), ``check(user_id)`` for this person. A yes is kept
    for ``SIGHT_SECONDS``."""
    now = time.monotonic()
    if any(now < _sight.get((who, vote_id), 0.0) for who in (None, user_id)):
        return True
    for who in (None, user_id):
        if check(who):
            _remember(_sight, (who, vote_id), now + SIGHT_SECONDS)
            return True
    return False


def _remember(table: dict, key, value) -> None:
    if len(table) >= TABLE_MAX:
        table.clear()
    table[key] = value


def reset() -> None:
    """Forget every vote's facts and every sight (tests; ids are reused on SQLite)."""
    _facts.clear()
    _sight.clear()


def cast(
    actor_id: int, vote: Facts, raw_choice, channel=Channel.ONLINE, principal_id=None, client_id=None, login=None
) -> str:
    """Cast a ballot and commit it with whatever else is queued: the edges' way to cast (routes, socket events).

    Ends the caller's transaction first (nothing of it is kept: casting is the request's only write); what it loaded
    stays loaded.

    :param login: ``(actor id, login key)`` when the actor's login session is still to be checked: it is checked
        with the batch's (one statement for all), and the ballot refused ``session_ended`` if it has ended.
    :return: the receipt code.
    :raises Refusal: as ``ballots.cast_ballot``, or ``session_ended``.
    """
    ballot = prepare(actor_id, vote, raw_choice, channel, principal_id, client_id, vote.options)
    ballot.login = login
    _release()
    _intake.submit(ballot)
    if ballot.refused is not None:
        raise ballot.refusal  # made here, in this request's language
    return ballot.receipt


def _release() -> None:
    """End the caller's transaction and give its connection back, keeping what it loaded (the user) as loaded.

    Waiting requests must hold no connection: the one that writes the next batch may need one from the pool. A
    rollback would expire what the request loaded (a query again to read the user's language) and ``close``
    would detach it; closing the transaction itself does neither. Nothing was written in it.
    """
    transaction = db.session().get_transaction()
    if transaction is None:
        return
    try:
        transaction.close()
    except sa.exc.SQLAlchemyError:
        rollback_quietly()


@dataclass(eq=False)
class _Waiting:
    cast: Cast
    wake: threading.Event
    lead: bool = False
    done: bool = False
    error: BaseException | None = None


class _Intake:
    """The queue of ballots waiting to be written, and who writes the next batch."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []
        self._writing = False

    def submit(self, cast: Cast) -> None:
        me = _Waiting(cast, threading.Event())
        with self._lock:
            self._queue.append(me)
            if not self._writing:
                self._writing = me.lead = True
        if not me.lead:
            try:
                me.wake.wait()  # woken when written, or when it is this request's turn to write
            except BaseException:
                self._abandon(me)  # this request ends (its greenlet killed): the queue must not stop with it
                raise
        if not me.done:
            self._write(me)
        if me.error is not None:
            raise me.error

    def _abandon(self, me: _Waiting) -> None:
        """Take ``me`` out of the queue (if no batch took it yet); if it was to write the next batch, pass that on."""
        with self._lock:
            if me in self._queue:
                self._queue.remove(me)
            if not me.lead or me.done:
                return
            following = self._queue[0] if self._queue else None
            if following is not None:
                following.lead = True
            else:
                self._writing = False
        if following is not None:
            following.wake.set()

    def _write(self, me: _Waiting) -> None:
        with self._lock:
            batch = self._queue[:BATCH]
            del self._queue[:BATCH]
        try:
            write(_logged_in([waiting.cast for waiting in batch]))
            db.session.commit()
        except BaseException as exc:
            rollback_quietly()
            for waiting in batch:
                waiting.error = exc
        finally:
            with self._lock:
                following = self._queue[0] if self._queue else None
                if following is not None:
                    following.lead = True
                else:
                    self._writing = False
            for waiting in batch:
                waiting.done = True
                if waiting is not me:
                    waiting.wake.set()
            if following is not None:
                following.wake.set()


def _logged_in(casts: list[Cast]) -> list[Cast]:
    """``casts`` whose login is live: those still to be checked are, in one statement; the others are refused."""
    logins = {cast.login for cast in casts if cast.login is not None}
    if not logins:
        return casts
    live = live_logins(logins)
    for cast in casts:
        if cast.login is not None and cast.login not in live:
            cast.refused = session_ended
    return [cast for cast in casts if cast.refused is None]


_intake = _Intake()
