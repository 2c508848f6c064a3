"""/api/v1/contracts: the contract register and two-party performance records
(DESIGN.md §5).

A contract is seen only by the people of its buyer and of its supplier; for anyone else
it is "not found", exactly like a missing id. Either party records a delivery, KPI or
outcome; only the other party confirms or disputes it.
"""

from ninja import P, PathEx, Query, Router, Status
from ninja.pagination import paginate

from opendps.contracts import selectors, services
from opendps.contracts.api_rows import ContractShaper, contract_rows
from opendps.contracts.models import Contract, PerformanceRecord
from opendps.contracts.schemas import (
    ContractFilter,
    ContractOut,
    DisputeIn,
    PerformanceIn,
    PerformanceOut,
)
from opendps.markets.schemas import MAX_ID
from opendps.web.api_pages import Paging, Rows, prebuilt
from opendps.web.organisation import AuthedRequest

router = Router(tags=["contracts"])

ContractId = PathEx[int, P(ge=1, le=MAX_ID, description="The contract's id.")]
RecordId = PathEx[int, P(ge=1, le=MAX_ID, description="The performance record's id.")]


@router.get(
    "/contracts",
    response=list[ContractOut],
    summary="Contracts your organisations are party to (as buyer or supplier)",
)
@prebuilt
@paginate(Paging)
def contract_list(request: AuthedRequest, filters: Query[ContractFilter]) -> Rows:
    contracts = selectors.contract_list(
        request.user, organisation_id=filters.organisation_id, category_id=filters.category_id
    )
    return Rows(contract_rows(filters.filter(contracts)), ContractShaper())


@router.get("/contracts/{contract_id}", response=ContractOut, summary="One contract")
def contract_detail(request: AuthedRequest, contract_id: ContractId) -> Contract:
    return selectors.contract_get(request.user, contract_id=contract_id)


@router.get(
    "/contracts/{contract_id}/performance",
    response=list[PerformanceOut],
    summary="A contract's deliveries, KPIs and outcomes, newest period first",
)
@paginate(Paging)
def performance_list(request: AuthedRequest, contract_id: ContractId) -> list[PerformanceRecord]:
    return list(selectors.contract_get(request.user, contract_id=contract_id).performance.all())


@router.post(
    "/contracts/{contract_id}/performance",
    response={201: PerformanceOut},
    summary="Record a delivery, KPI or outcome; the other party is asked to confirm it",
)
def performance_record(
    request: AuthedRequest, contract_id: ContractId, payload: PerformanceIn
) -> Status[PerformanceRecord]:
    contract = selectors.contract_get(request.user, contract_id=contract_id)
    record = services.performance_record(
        actor=request.user, contract=contract, **payload.model_dump()
    )
    record.refresh_from_db()  # the stored figures (two decimal places), as a read returns them
    return Status(201, record)


@router.post(
    "/contracts/{contract_id}/performance/{record_id}/confirm",
    response=PerformanceOut,
    summary="Confirm a record the other party made",
)
def performance_confirm(
    request: AuthedRequest, contract_id: ContractId, record_id: RecordId
) -> PerformanceRecord:
    record = selectors.performance_record_get(
        request.user, contract_id=contract_id, record_id=record_id
    )
    return services.performance_confirm(actor=request.user, record=record)


@router.post(
    "/contracts/{contract_id}/performance/{record_id}/dispute",
    response=PerformanceOut,
    summary="Dispute a record the other party made, with the reason they will read",
)
def performance_dispute(
    request: AuthedRequest, contract_id: ContractId, record_id: RecordId, payload: DisputeIn
) -> PerformanceRecord:
    record = selectors.performance_record_get(
        request.user, contract_id=contract_id, record_id=record_id
    )
    return services.performance_dispute(actor=request.user, record=record, reason=payload.reason)
