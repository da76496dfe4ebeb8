"""The composition root: builds the hub from its configuration and owns every lifecycle."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.bus import Bus
from hub.clock import Clock
from hub.config import Config, ConfigError, load_config
from hub.entities import EntityRegistry
from hub.model import Action, Deadline, Finding, Observation
from hub.scheduler import Calendar, Scheduler
from hub.store import Store
from integrations.base import ObservationSource

if TYPE_CHECKING:
    from hub.alerts.service import AlertService
    from hub.reminders import ReminderBook
    from hub.services.desk import RequestDesk
    from hub.services.video import VideoReminders
    from hub.visits import VisitBook
    from integrations.base import Notifier
    from integrations.zigbee.commands import Commands
    from integrations.zigbee.source import ZigbeeSource
from rules.engine import Engine
from rules.registry import rule_factories

log = logging.getLogger(__name__)


def room_names(config: Config) -> dict[str, str]:
    return {room_id: room.name for room_id, room in config.rooms.items()}


RETENTION_AT = clock_time(3, 30)  # a quiet hour for the nightly clean-up
ZIGBEE_BACKUP_AT = clock_time(3, 15)
BACKUP_AT = clock_time(3, 20)  # after the Zigbee network's, so the archive holds it
# After a restart, SMS replies this old are still read: an "OK 42" sent while the hub was
# starting up is not lost; acknowledging twice does nothing.
REPLIES_LOOK_BACK = timedelta(hours=1)
RECENT = 200


class Hub:
    """Observations in, findings out, everything stored; the web UI and sources hang off it."""

    def __init__(self, config: Config, config_path: Path | None, clock: Clock) -> None:
        # `config` runs with the carer's reminders added to its rules; `file_config` is the
        # file's alone (see apply_rules).
        self.config = config
        self.file_config = config
        self.config_path = config_path
        self.clock = clock
        self.bus = Bus()
        self.entities = EntityRegistry.from_config(config)
        self.state: dict[str, Observation] = {}
        self.recent: deque[Observation] = deque(maxlen=RECENT)
        self.findings: deque[Finding] = deque(maxlen=RECENT)
        self.config_problems: list[str] = []
        self.started_at = time.monotonic()
        self._tasks: list[asyncio.Task[None]] = []
        self.store: Store
        self.scheduler: Scheduler
        self.engine: Engine
        self.alerts: AlertService
        self.notifiers: dict[str, Notifier] = {}
        self.zigbee: ZigbeeSource | None = None
        self.commands: Commands | None = None
        self.reminders: ReminderBook
        self.visits: VisitBook
        self.requests: RequestDesk  # service requests from the tablet (hub/services)
        self.video: VideoReminders

    @classmethod
    @asynccontextmanager
    async def running(
        cls,
        config: Config,
        config_path: Path | None,
        clock: Clock,
        sources: list[ObservationSource] | None = None,
        db_path: str | Path | None = None,
    ) -> AsyncIterator[Hub]:
        hub = cls(config, config_path, clock)
        async with AsyncExitStack() as stack:
            path = db_path or config.storage.data_dir / "obhut.db"
            interval = config.storage.commit_interval.total_seconds()
            hub.store = await stack.enter_async_context(
                Store.open(path, flush_interval=interval, clock=clock.now)
            )
            await hub._start(stack, sources or [])
            yield hub

    async def _start(self, stack: AsyncExitStack, sources: list[ObservationSource]) -> None:
        self.state = await self.store.current_state()
        self.scheduler = Scheduler(self.clock, self.store, self.config.home.tz)
        self.scheduler.on("retention", self._on_retention)
        from hub.alerts.service import AlertService
        from hub.notifiers import build_notifiers

        self.notifiers = build_notifiers(self.config)
        for notifier in self.notifiers.values():
            prepare = getattr(notifier, "prepare", None)
            if prepare is not None:  # load the provider's client now, not with the first alert
                await prepare()
            close = getattr(notifier, "aclose", None)
            if close is not None:
                stack.push_async_callback(close)
        # before the scheduler starts: it fires the escalation deadlines a restart left
        self.alerts = AlertService(
            self.config, self.store, self.scheduler, self.clock, self.notifiers
        )
        await self.scheduler.start()
        self.scheduler.every("hub:retention", Calendar(RETENTION_AT), "retention")
        from hub.services import attach

        attach(self)  # service requests (their SMS answers) and video call reminders
        if self.config_path is not None:
            self.scheduler.on("backup", self._on_backup)
            self.scheduler.every("hub:backup", Calendar(BACKUP_AT), "backup")
        self.bus.subscribe(Observation, self._on_observation)
        self.bus.subscribe(Finding, self._on_finding)
        self.engine = Engine(
            self.bus,
            self.scheduler,
            self.entities,
            self.config.home.tz,
            rule_factories(),
            lang=self.config.home.language.value,
            rooms=room_names(self.config),
        )
        self.engine.state.update(self.state)  # the flat as it was when the hub stopped
        from hub.reminders import ReminderBook
        from hub.visits import VisitBook

        self.reminders = ReminderBook(self.store)
        await self.reminders.load()
        self.visits = VisitBook(self.store, self.clock.now)
        await self.visits.start()
        self.bus.subscribe(Observation, self.visits.on_observation)
        self.apply_rules()
        self.bus.subscribe(Action, self._on_action)
        self.bus.subscribe(Finding, self.alerts.on_finding)
        await self.alerts.start()
        self._spawn(self.scheduler.run(), "scheduler")
        self._spawn(self.alerts.run(), "outbox")
        if self.config.sms is not None:
            from hub.notifiers import build_replies, poll_replies

            replies = build_replies(self.config, self.clock.now() - REPLIES_LOOK_BACK, self.clock)
            assert replies is not None
            stack.push_async_callback(replies.aclose)
            self._spawn(
                poll_replies(replies, self.alerts.handle_reply, self.config, self.clock), "replies"
            )
        if self.config.zigbee is not None:
            # zha is imported only now: a hub without a radio starts without its cost
            from integrations.zigbee.lazy_imports import defer_imports, defer_unused_radios

            defer_unused_radios(self.config.zigbee.radio.type.value)
            defer_imports()
            from integrations.zigbee.runtime import build

            self.zigbee, self.commands = build(self.config, self.entities, self.clock)
            self.zigbee.visit_open = self.visits.is_open  # a visit button checks in, or out
            sources = [*sources, self.zigbee]
            self.scheduler.on("zigbee-backup", self._on_zigbee_backup)
            self.scheduler.every("hub:zigbee-backup", Calendar(ZIGBEE_BACKUP_AT), "zigbee-backup")
        for source in sources:
            self._spawn(source.run(self.ingest), source.name)
        if self.config.watchdog.daily_ok_at is not None and self.config.watchdog.daily_ok_to:
            self.scheduler.on("daily-ok", self._on_daily_ok)
            at = self.config.watchdog.daily_ok_at
            self.scheduler.every("hub:daily-ok", Calendar(at), "daily-ok")
        self.scheduler.on("daily-summary", self._on_daily_summary)
        self._schedule_daily_summary()
        if self.config.watchdog.ping_url:
            from hub.heartbeat import ping_forever

            watchdog = self.config.watchdog
            assert watchdog.ping_url is not None
            self._spawn(ping_forever(watchdog.ping_url, watchdog.ping_every, self.clock), "ping")
        stack.push_async_callback(self._stop)

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        task.add_done_callback(self._task_done)
        self._tasks.append(task)

    @staticmethod
    def _task_done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("%s stopped", task.get_name(), exc_info=task.exception())

    async def _stop(self) -> None:
        await self.alerts.stop()  # changes already handed in reach the store before it closes
        await self.visits.settled()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    def ingest(self, obs: Observation) -> None:
        """The one door for observations into the hub, from any source."""
        self.bus.publish(obs)

    def subscribe[E](self, event_type: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        return self.bus.subscribe(event_type, handler)

    def _on_observation(self, obs: Observation) -> None:
        self.store.add_observation(obs)
        self.state[obs.entity] = obs
        self.recent.append(obs)

    def _on_finding(self, finding: Finding) -> None:
        self.findings.append(finding)
        level = logging.INFO if finding.cleared else logging.WARNING
        log.log(level, "%s [%s] %s", finding.rule, finding.severity, finding.summary)

    def _on_action(self, action: Action) -> None:
        if self.commands is None:
            log.info(
                "%s wants %s %s %s, but there is no radio",
                action.rule,
                action.kind,
                action.entity,
                action.params,
            )
            return
        self._spawn(self._act(action), f"action {action.kind} {action.entity}")

    async def _act(self, action: Action) -> None:
        assert self.commands is not None
        params = action.params
        if action.kind == "light":
            result = await self.commands.light(
                action.entity,
                on=bool(params.get("on", True)),
                brightness=params.get("brightness"),
                transition=float(params.get("transition", 0)),
            )
        elif action.kind == "switch":
            result = await self.commands.switch(action.entity, on=bool(params.get("on", True)))
        elif action.kind == "climate":
            result = await self.commands.thermostat(
                action.entity, setpoint=params.get("setpoint"), mode=params.get("mode")
            )
        else:
            log.error("%s: unknown action kind %s", action.rule, action.kind)
            return
        log.info("%s: %s %s %s → %s", action.rule, action.kind, action.entity, params, result)

    def _on_daily_ok(self, deadline: Deadline) -> None:
        for contact in self.config.watchdog.daily_ok_to:
            self._spawn(self._daily_ok(contact), f"daily ok {contact}")

    async def _daily_ok(self, contact: str) -> None:
        await self.alerts.send_daily_ok(contact)

    def _schedule_daily_summary(self) -> None:
        """At start and on reload: the summary's time, or none if the section was taken out."""
        if self.config.daily_summary is not None:
            at = self.config.daily_summary.at
            self.scheduler.every("hub:daily-summary", Calendar(at), "daily-summary")
        else:
            self.scheduler.cancel("hub:daily-summary")

    def _on_daily_summary(self, deadline: Deadline) -> None:
        self._spawn(self._daily_summary(), "daily summary")

    async def _daily_summary(self) -> None:
        from hub.insights.sending import send_daily_summaries

        await send_daily_summaries(self)

    def _on_zigbee_backup(self, deadline: Deadline) -> None:
        self._spawn(self._zigbee_backup(), "zigbee-backup")

    async def _zigbee_backup(self) -> None:
        from hub.control import write_backup

        if self.zigbee is None or self.zigbee.zigbee is None:
            log.warning("no Zigbee backup tonight: the radio is not running")
            return
        path = await write_backup(
            self.zigbee.zigbee, self.config.storage.data_dir, self.clock.now()
        )
        log.info("Zigbee network backed up to %s", path)

    def _on_backup(self, deadline: Deadline) -> None:
        self._spawn(self._backup(), "backup")

    async def _backup(self) -> None:
        from hub.backup import create_backup

        assert self.config_path is not None
        await self.store.flush()
        path = await asyncio.to_thread(
            create_backup, self.config_path, self.config, self.clock.now()
        )
        log.info("nightly backup written to %s", path)

    def _on_retention(self, deadline: Deadline) -> None:
        keep = self.config.storage.retention.observations.days
        self._spawn(self._retention(keep), "retention")

    async def _retention(self, keep_days: int) -> None:
        removed = await self.store.apply_retention(self.clock.now(), keep_days, self.config.home.tz)
        log.info("retention: %d observations older than %d days removed", removed, keep_days)
        from hub.export.retention import apply

        keep = self.config.storage.retention
        gone = await apply(self.store, self.clock.now(), keep.alerts, keep.audit)
        log.info(
            "retention: %d alerts, %d visits and %d audit entries removed",
            gone.alerts,
            gone.visits,
            gone.audit,
        )

    def apply_rules(self, config: Config | None = None) -> None:
        """Run the file's rules and the carer's reminders: at start, on reload, after a change.

        With `config` (a reload) the file's configuration is new too. The carer's reminders
        join its rules in `self.config`, so every part that looks a rule up by its id (the
        alerts' `notify`, the tablet's reminders) finds both kinds.
        """
        if config is not None:
            self.file_config = config
            self.entities = EntityRegistry.from_config(config)
        base = self.file_config
        rules = (*base.rules, *self.reminders.rule_configs())
        self.config = base.model_copy(update={"rules": rules})
        self.alerts.config = self.config  # new contacts and policies reach alerting at once
        self.engine.load(
            rules,
            self.clock.now(),
            self.entities,
            rooms=room_names(base),
            lang=base.home.language.value,
        )
        self._spawn(self._learn_routines(), "routine learning")  # in the background: ready now

    async def _learn_routines(self) -> None:
        """The routine rules' shared days learn, once for all of them, the past days they have
        not seen from the store's history."""
        from rules.routine_learn import learn_from_store

        tz = self.config.home.tz
        await learn_from_store(self.engine, self.store.observations, self.entities, tz)

    async def reload(self) -> bool:
        """Apply the configuration file again; on any error keep the running one."""
        if self.config_path is None:
            return False
        try:
            config = await asyncio.to_thread(load_config, self.config_path)
        except ConfigError as e:
            self.config_problems = [p.format() for p in e.problems]
            log.error("configuration not applied; the hub keeps the last good one:\n%s", e)
            self.store.audit("system", "config.rejected", str(self.config_path), e.format())
            return False
        for section in ("web", "storage", "zigbee"):
            if getattr(config, section) != getattr(self.config, section):
                log.warning("'%s' changed: this takes effect after a restart", section)
        self.config_problems = []
        self.apply_rules(config)
        self._schedule_daily_summary()
        self.video.plan()  # appointments added, moved or taken out
        if self.zigbee is not None:
            self.zigbee.use_registry(self.entities)
        self.store.audit("system", "config.applied", str(self.config_path), config.summary())
        log.info("configuration applied: %s", config.summary())
        return True
