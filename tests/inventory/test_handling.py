"""Handling records: every transition, deadlines, what follows each step, reservations
(including two reviewers at the same moment), permissions."""

import datetime as dt
import threading
from decimal import Decimal

import pgtrigger
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from inventory.choices import (
    HANDLING_TRANSITIONS,
    AssetStatus,
    HandlingStatus,
    NeedKind,
    NeedStatus,
    PremisesStatus,
    RequestStatus,
    Role,
)
from inventory.models import Asset, AssetClass, HandlingRecord, HandlingRequest, House, Need, Premises, User
from inventory.services import handling as services
from tests import factories

TODAY = timezone.localdate()


@pytest.fixture
def finance(db):
    return factories.user(Role.FINANCE)


def _steps(actor):
    """Each target status and the call that tries to reach it."""
    return {
        HandlingStatus.APPROVED: lambda r: services.approve(
            actor, r, decision_number="12/QĐ-UBND", decision_date=TODAY, decider="Chủ tịch UBND tỉnh"
        ),
        HandlingStatus.CARRIED_OUT: lambda r: services.carry_out(
            actor, r, handover_number="BB-01", handover_date=TODAY
        ),
        HandlingStatus.CLOSED: lambda r: services.close(actor, r),
        HandlingStatus.CANCELLED: lambda r: services.cancel(actor, r, reason="Không còn phù hợp"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("current", HandlingStatus.values)
@pytest.mark.parametrize("target", [s for s in HandlingStatus.values if s != HandlingStatus.PROPOSED])
def test_every_transition_is_allowed_or_refused(finance, current, target):
    premises = factories.premises(status=PremisesStatus.SURPLUS)
    record = services.propose_handling(finance, premises, "RECOVER", intended_use="Thu hồi")
    HandlingRecord.objects.filter(pk=record.pk).update(status=current, decision_date=TODAY - dt.timedelta(days=1))
    # The request as far as the line: reviewed while a line waits for its decision, then decided.
    request_status = RequestStatus.REVIEWED if current == HandlingStatus.PROPOSED else RequestStatus.DECIDED
    HandlingRequest.objects.filter(pk=record.request_id).update(status=request_status)
    before = HandlingRecord.objects.get(pk=record.pk)
    step = _steps(finance)[target]
    if target in HANDLING_TRANSITIONS[current]:
        assert step(before).status == target
    else:
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            step(before)
        message = " ".join(caught.value.messages)
        # A hand-over before the decision has its own message (the temporary hand-over).
        assert "cannot become" in message or "before its decision" in message
        after = HandlingRecord.objects.get(pk=record.pk)
        assert (after.status, after.decision_number, after.handover_number) == (
            before.status,
            before.decision_number,
            before.handover_number,
        )


@pytest.mark.django_db
def test_whole_premises_follows_the_steps_and_a_transfer_changes_its_manager(finance):
    premises = factories.premises(status=PremisesStatus.SURPLUS)
    need = factories.need(floor_area=Decimal(200))
    record = services.propose_transfer(finance, need, premises=premises)
    premises.refresh_from_db()
    need.refresh_from_db()
    assert premises.status == PremisesStatus.UNDER_HANDLING and need.status == NeedStatus.RESERVED
    assert record.form.code == "TRANSFER" and record.receiving_agency == need.agency
    assert record.decision_due is None  # the clock starts when the file is complete
    record = factories.ready_for_decision(record, finance)
    assert record.decision_due == TODAY + dt.timedelta(days=20)
    record = services.approve(
        finance, record, decision_number="5/QĐ", decision_date=TODAY - dt.timedelta(days=31), decider="UBND tỉnh"
    )
    assert record.deadline == TODAY - dt.timedelta(days=1)
    assert record.overdue() and HandlingRecord.objects.overdue().filter(pk=record.pk).exists()
    record = services.carry_out(finance, record, handover_number="BB-7", handover_date=TODAY)
    premises.refresh_from_db()
    need.refresh_from_db()
    assert premises.status == PremisesStatus.HANDLED and premises.agency == need.agency
    assert need.status == NeedStatus.MET and not record.overdue()
    assert services.close(finance, record).closed_on == TODAY


@pytest.mark.django_db
def test_cancel_frees_the_supply_and_the_need(finance):
    premises = factories.premises(status=PremisesStatus.PARTLY_SURPLUS, surplus_floor_area=Decimal(250))
    need = factories.need(floor_area=Decimal(100))
    record = services.propose_transfer(finance, need, premises=premises)
    assert Premises.objects.get(pk=premises.pk).status == PremisesStatus.UNDER_HANDLING
    with pytest.raises(ValidationError):
        services.cancel(finance, record, reason="  ")
    services.cancel(finance, record, reason="Đơn vị rút đề nghị")
    assert Premises.objects.get(pk=premises.pk).status == PremisesStatus.PARTLY_SURPLUS
    assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN


@pytest.mark.django_db
def test_a_partly_surplus_building_is_split_by_floor_area(finance):
    premises = factories.premises(status=PremisesStatus.PARTLY_SURPLUS, surplus_floor_area=Decimal(400))
    first = services.propose_transfer(
        finance, factories.need(floor_area=Decimal(150)), premises=premises, floor_area=Decimal(150)
    )
    assert services.available_area(premises) == Decimal(250)
    assert Premises.objects.get(pk=premises.pk).status == PremisesStatus.PARTLY_SURPLUS
    with pytest.raises(ValidationError) as caught:
        services.propose_transfer(finance, factories.need(), premises=premises, floor_area=Decimal(300))
    assert "250" in caught.value.messages[0]
    with pytest.raises(ValidationError):  # the whole building is no longer free
        services.propose_transfer(finance, factories.need(), premises=premises)
    first = factories.ready_for_decision(first, finance)
    services.approve(finance, first, decision_number="1", decision_date=TODAY, decider="UBND tỉnh")
    services.carry_out(finance, first, handover_number="BB", handover_date=TODAY)
    premises.refresh_from_db()
    assert premises.status == PremisesStatus.PARTLY_SURPLUS and premises.surplus_floor_area == Decimal(250)


@pytest.mark.django_db
def test_some_items_of_an_asset_line_become_a_line_of_the_receiving_agency(finance):
    # Ten chairs of 5,000,000 each: tools and instruments, not fixed assets, so one line.
    chairs = AssetClass.objects.get(code="MMTB-NT")
    line = factories.asset(
        quantity=10, status=AssetStatus.SURPLUS, original_cost=Decimal(50_000_000), asset_class=chairs
    )
    need = factories.need(kind=NeedKind.ASSET, floor_area=None, asset_class=chairs, quantity=4)
    record = services.propose_transfer(finance, need, asset=line, quantity=4)
    assert services.available_quantity(line) == 6
    record = factories.ready_for_decision(record, finance)
    services.approve(finance, record, decision_number="2", decision_date=TODAY, decider="UBND tỉnh")
    services.carry_out(finance, record, handover_number="BB", handover_date=TODAY)
    line.refresh_from_db()
    moved = Asset.objects.get(code=f"{line.code}-XL{record.pk}")
    assert (line.quantity, line.original_cost) == (6, Decimal(30_000_000))
    assert (moved.quantity, moved.original_cost, moved.agency, moved.status) == (
        4,
        Decimal(20_000_000),
        need.agency,
        AssetStatus.IN_USE,
    )


@pytest.mark.django_db
def test_bad_decision_input_is_refused_and_changes_nothing(finance):
    record = factories.ready_for_decision(
        services.propose_handling(finance, factories.premises(), "RECOVER", intended_use="")
    )
    with pytest.raises(ValidationError) as caught:
        services.approve(finance, record, decision_number=" ", decision_date=TODAY + dt.timedelta(days=1), decider="")
    assert set(caught.value.message_dict) == {"decision_number", "decision_date", "decider"}
    assert HandlingRecord.objects.get(pk=record.pk).status == HandlingStatus.PROPOSED


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DECLARANT, Role.AUDITOR])
def test_only_reviewers_or_the_units_declarants_file_handling(role):
    # A declarant files for its own unit's agencies only; an auditor never.
    actor = factories.user(role, admin_unit=factories.unit("Xã Nghĩa Đàn"))
    with pytest.raises(PermissionDenied):
        services.propose_handling(actor, factories.premises(), "RECOVER", intended_use="")


# -- two reviewers at the same moment ---------------------------------------------------
def _race(calls):
    """Run the calls in threads released together; each has its own database session."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = ("ok", call())
        except Exception as exc:
            outcomes[i] = ("refused", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


@pytest.fixture
def committed(django_db_blocker):
    """Objects committed for real (threads cannot see a test's transaction), removed
    afterwards; their history stays, as it would."""
    made = []
    with django_db_blocker.unblock():
        yield made
        # Test rows only: removed outright, past the guards that keep real records.
        guards = ("Premises", "House", "HandlingRecord", "Need")
        with pgtrigger.ignore(*(f"inventory.{model}:no_hard_delete" for model in guards)):
            HandlingRecord.objects.filter(premises__in=[o for o in made if isinstance(o, Premises)]).delete()
            House.all_objects.filter(premises__in=[o for o in made if isinstance(o, Premises)]).delete()
            HandlingRecord.objects.filter(need__in=[o for o in made if isinstance(o, Need)]).delete()
            HandlingRequest.objects.filter(
                lines__isnull=True, filed_by__in=[o for o in made if isinstance(o, User)]
            ).delete()
            for obj in reversed(made):
                type(obj).objects.filter(pk=obj.pk).delete()


@pytest.mark.parametrize("part", [None, Decimal(300)])
def test_two_simultaneous_reservations_of_the_same_supply_exactly_one_wins(committed, part):
    reviewers = [factories.user(Role.FINANCE), factories.user(Role.FINANCE)]
    committed.extend(reviewers)
    supply = factories.premises(status=PremisesStatus.PARTLY_SURPLUS, surplus_floor_area=Decimal(400))
    committed.extend([supply.agency, supply])
    needs = [factories.need(floor_area=Decimal(300)), factories.need(floor_area=Decimal(300))]
    for n in needs:
        committed.extend([n.agency, n])
    outcomes = _race(
        [
            lambda i=i: services.propose_transfer(reviewers[i], needs[i], premises=supply, floor_area=part)
            for i in range(2)
        ]
    )
    results = sorted(kind for kind, _value in outcomes)
    assert results == ["ok", "refused"], outcomes
    refused = next(value for kind, value in outcomes if kind == "refused")
    assert isinstance(refused, ValidationError)
    assert HandlingRecord.objects.filter(premises=supply).count() == 1
    assert sorted(Need.objects.filter(pk__in=[n.pk for n in needs]).values_list("status", flat=True)) == [
        NeedStatus.OPEN,
        NeedStatus.RESERVED,
    ]


def test_two_simultaneous_proposals_for_the_same_need_exactly_one_wins(committed):
    reviewers = [factories.user(Role.FINANCE), factories.user(Role.FINANCE)]
    committed.extend(reviewers)
    supplies = [factories.premises(status=PremisesStatus.SURPLUS), factories.premises(status=PremisesStatus.SURPLUS)]
    for s in supplies:
        committed.extend([s.agency, s])
    need = factories.need()
    committed.extend([need.agency, need])
    outcomes = _race(
        [lambda i=i: services.propose_transfer(reviewers[i], need, premises=supplies[i]) for i in range(2)]
    )
    assert sorted(kind for kind, _value in outcomes) == ["ok", "refused"], outcomes
    assert HandlingRecord.objects.filter(need=need).count() == 1
    statuses = sorted(Premises.objects.filter(pk__in=[s.pk for s in supplies]).values_list("status", flat=True))
    assert statuses == [PremisesStatus.SURPLUS, PremisesStatus.UNDER_HANDLING]
