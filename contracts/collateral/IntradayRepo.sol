// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IIntradayRepo} from "./IIntradayRepo.sol";

/// @title IntradayRepo
/// @notice Repos (sale and repurchase of bonds against yen cash) settled by atomic DvP in both legs, with
/// interest Act/365 by the second, truncated to the yen, fixed at the opening leg. See {IIntradayRepo}.
/// @dev Gas: a repo costs one storage slot (its {RepoState}); the terms travel in calldata and are hashed
/// on every call. Each leg writes the new status before either token is called (checks-effects-
/// interactions) under a transient reentrancy lock. The contract has no owner and no agent: every step
/// is either a party's own consent or follows from both parties' consent and the clock.
contract IntradayRepo is IIntradayRepo, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The largest |rate|, in ppm a year: 100,000 = 10% (JGB repo rates have stayed within ±1%
    /// for decades; the cap catches a misplaced digit).
    uint32 public constant MAX_ABS_RATE = 100_000;

    /// @notice The longest repo: its deadline at most 365 days after it is recorded.
    uint256 public constant MAX_TERM = 365 days;

    /// @notice The largest purchase price (token balances are far smaller).
    uint256 public constant MAX_PURCHASE_PRICE = type(uint128).max;

    /// @notice Rate units per 100% a year (rates are in ppm).
    uint256 public constant RATE_ONE = 1_000_000;

    /// @notice Seconds in the day-count year: Act/365 (fixed), counted by the second.
    uint256 public constant DAY_COUNT_SECONDS = 365 days;

    /// @notice EIP-712 type hash of {Repo}.
    // solhint-disable-next-line gas-small-strings
    bytes32 public constant REPO_TYPEHASH = keccak256(
        "Repo(address borrower,address lender,address bond,uint256 units,address cash,uint256 purchasePrice,"
        "int32 rate,uint64 openBy,uint64 repurchaseTime,uint64 deadline,uint256 nonce)"
    );

    mapping(bytes32 id => RepoState state) private _repos;

    constructor() EIP712("kosai IntradayRepo", "1") {}

    // ================================================================== agreement

    /// @inheritdoc IIntradayRepo
    function instruct(Repo calldata terms) external returns (bytes32 id) {
        id = _repoId(terms);
        bool byBorrower = _side(id, terms);
        _requireNew(id, terms);
        _repos[id] = RepoState({
            status: RepoStatus.Instructed,
            borrowerAffirmed: byBorrower,
            lenderAffirmed: !byBorrower,
            borrowerCancelRequested: false,
            lenderCancelRequested: false,
            openedAt: 0
        });
        emit RepoInstructed(id, terms.borrower, terms.lender, msg.sender, terms);
        emit RepoAffirmed(id, msg.sender);
    }

    /// @inheritdoc IIntradayRepo
    function affirm(Repo calldata terms) external {
        bytes32 id = _repoId(terms);
        RepoState storage state = _repos[id];
        _requirePending(id, state.status);
        bool byBorrower = _side(id, terms);
        if (byBorrower ? state.borrowerAffirmed : state.lenderAffirmed) revert RepoAlreadyAffirmed(id, msg.sender);
        if (block.timestamp > terms.openBy) revert RepoOpenWindowPassed(id, terms.openBy, block.timestamp);
        // Instructed with one side affirmed: the other side's affirmation completes it.
        state.status = RepoStatus.Affirmed;
        state.borrowerAffirmed = true;
        state.lenderAffirmed = true;
        emit RepoAffirmed(id, msg.sender);
    }

    /// @inheritdoc IIntradayRepo
    function openWithSignature(
        Repo calldata terms,
        bytes calldata counterpartySignature
    ) external nonReentrant returns (bytes32 id) {
        id = _repoId(terms);
        bool byBorrower = _side(id, terms);
        _requireNew(id, terms);
        address counterparty = byBorrower ? terms.lender : terms.borrower;
        if (!SignatureChecker.isValidSignatureNowCalldata(counterparty, id, counterpartySignature)) {
            revert RepoInvalidSignature(id, counterparty);
        }
        _repos[id] = RepoState({
            status: RepoStatus.Open,
            borrowerAffirmed: true,
            lenderAffirmed: true,
            borrowerCancelRequested: false,
            lenderCancelRequested: false,
            openedAt: uint64(block.timestamp)
        });
        emit RepoInstructed(id, terms.borrower, terms.lender, msg.sender, terms);
        emit RepoAffirmed(id, msg.sender);
        emit RepoAffirmed(id, counterparty);
        _settleOpening(id, terms);
    }

    // ================================================================== legs

    /// @inheritdoc IIntradayRepo
    function open(Repo calldata terms) external nonReentrant {
        bytes32 id = _repoId(terms);
        RepoState storage state = _repos[id];
        RepoStatus status = state.status;
        if (status != RepoStatus.Affirmed) {
            if (status == RepoStatus.None) revert RepoUnknown(id);
            revert RepoNotAffirmed(id, status);
        }
        if (block.timestamp > terms.openBy) revert RepoOpenWindowPassed(id, terms.openBy, block.timestamp);
        state.status = RepoStatus.Open;
        state.openedAt = uint64(block.timestamp);
        _settleOpening(id, terms);
    }

    /// @inheritdoc IIntradayRepo
    function close(Repo calldata terms) external nonReentrant {
        bytes32 id = _repoId(terms);
        RepoState storage state = _repos[id];
        _requireOpen(id, state.status);
        if (block.timestamp < terms.repurchaseTime) {
            revert RepoTooEarlyToClose(id, terms.repurchaseTime, block.timestamp);
        }
        if (block.timestamp > terms.deadline) revert RepoDeadlinePassed(id, terms.deadline, block.timestamp);
        (, uint256 repurchasePrice) = _interest(terms, state.openedAt);
        state.status = RepoStatus.Closed;
        IERC20(terms.bond).safeTransferFrom(terms.lender, terms.borrower, terms.units);
        IERC20(terms.cash).safeTransferFrom(terms.borrower, terms.lender, repurchasePrice);
        emit RepoClosed(id, terms.borrower, terms.lender, terms.bond, terms.units, terms.cash, repurchasePrice);
    }

    /// @inheritdoc IIntradayRepo
    function markFailed(Repo calldata terms) external {
        bytes32 id = _repoId(terms);
        RepoState storage state = _repos[id];
        _requireOpen(id, state.status);
        if (block.timestamp <= terms.deadline) revert RepoDeadlineNotPassed(id, terms.deadline, block.timestamp);
        (, uint256 repurchasePrice) = _interest(terms, state.openedAt);
        state.status = RepoStatus.Failed;
        emit RepoFailed(id, terms.borrower, terms.lender, terms.units, repurchasePrice, msg.sender);
    }

    // ================================================================== unopened repos

    /// @inheritdoc IIntradayRepo
    function cancel(Repo calldata terms) external {
        bytes32 id = _repoId(terms);
        RepoState storage state = _repos[id];
        RepoStatus status = state.status;
        _requirePending(id, status);
        bool byBorrower = _side(id, terms);
        if (status == RepoStatus.Instructed) {
            state.status = RepoStatus.Cancelled;
            emit RepoCancelled(id, msg.sender);
            return;
        }
        if (byBorrower ? state.borrowerCancelRequested : state.lenderCancelRequested) {
            revert RepoCancellationAlreadyRequested(id, msg.sender);
        }
        bool otherAsked = byBorrower ? state.lenderCancelRequested : state.borrowerCancelRequested;
        if (byBorrower) state.borrowerCancelRequested = true;
        else state.lenderCancelRequested = true;
        emit RepoCancellationRequested(id, msg.sender);
        if (otherAsked) {
            state.status = RepoStatus.Cancelled;
            emit RepoCancelled(id, msg.sender);
        }
    }

    /// @inheritdoc IIntradayRepo
    function markLapsed(Repo calldata terms) external {
        bytes32 id = _repoId(terms);
        RepoState storage state = _repos[id];
        _requirePending(id, state.status);
        if (block.timestamp <= terms.openBy) revert RepoOpenWindowNotPassed(id, terms.openBy, block.timestamp);
        state.status = RepoStatus.Lapsed;
        emit RepoLapsed(id, msg.sender);
    }

    // ================================================================== views

    /// @inheritdoc IIntradayRepo
    function repoId(Repo calldata terms) external view returns (bytes32 id) {
        return _repoId(terms);
    }

    /// @inheritdoc IIntradayRepo
    function repoState(bytes32 id) external view returns (RepoState memory state) {
        return _repos[id];
    }

    /// @inheritdoc IIntradayRepo
    function quote(
        Repo calldata terms,
        uint64 openedAt
    ) external pure returns (int256 interest, uint256 repurchasePrice) {
        if (terms.purchasePrice > MAX_PURCHASE_PRICE) {
            revert RepoPurchasePriceTooLarge(terms.purchasePrice, MAX_PURCHASE_PRICE);
        }
        _requireRateWithinCap(terms.rate);
        if (openedAt >= terms.repurchaseTime) revert RepoOpenByNotBeforeRepurchase(openedAt, terms.repurchaseTime);
        if (terms.repurchaseTime - openedAt > MAX_TERM) {
            revert RepoTermTooLong(terms.repurchaseTime, uint256(openedAt) + MAX_TERM);
        }
        return _interest(terms, openedAt);
    }

    // ================================================================== internals

    /// @dev The opening leg, after the caller wrote the Open status and the opening time: bonds borrower ->
    /// lender, cash lender -> borrower. Any failure reverts the whole call with the token's own error
    /// (SafeERC20 bubbles it), status write included.
    function _settleOpening(bytes32 id, Repo calldata terms) private {
        IERC20(terms.bond).safeTransferFrom(terms.borrower, terms.lender, terms.units);
        IERC20(terms.cash).safeTransferFrom(terms.lender, terms.borrower, terms.purchasePrice);
        (int256 interest, uint256 repurchasePrice) = _interest(terms, uint64(block.timestamp));
        emit RepoOpened(
            id,
            terms.borrower,
            terms.lender,
            terms.bond,
            terms.units,
            terms.cash,
            terms.purchasePrice,
            interest,
            repurchasePrice
        );
    }

    /// @dev The interest convention: trunc(price × rate × (repurchaseTime − openedAt) ÷ (365 days × 1e6)),
    /// truncated toward zero. Callers guarantee openedAt < repurchaseTime, a term of at most {MAX_TERM},
    /// |rate| <= {MAX_ABS_RATE} and price <= {MAX_PURCHASE_PRICE}, so |interest| <= price / 10 and no step
    /// overflows.
    function _interest(
        Repo calldata terms,
        uint64 openedAt
    ) private pure returns (int256 interest, uint256 repurchasePrice) {
        int256 rate = terms.rate;
        uint256 magnitude = Math.mulDiv(
            terms.purchasePrice,
            SignedMath.abs(rate) * (terms.repurchaseTime - openedAt),
            RATE_ONE * DAY_COUNT_SECONDS
        );
        if (rate < 0) return (-int256(magnitude), terms.purchasePrice - magnitude);
        return (int256(magnitude), terms.purchasePrice + magnitude);
    }

    /// @dev The terms rules of a new repo, and the id never used.
    function _requireNew(bytes32 id, Repo calldata terms) private view {
        if (
            terms.borrower == address(0) ||
            terms.lender == address(0) ||
            terms.bond == address(0) ||
            terms.cash == address(0)
        ) revert RepoZeroAddress();
        if (terms.borrower == terms.lender) revert RepoSameParty(terms.borrower);
        if (terms.bond == terms.cash) revert RepoSameAsset(terms.bond);
        if (terms.units == 0) revert RepoZeroUnits();
        if (terms.purchasePrice == 0) revert RepoZeroPurchasePrice();
        if (terms.purchasePrice > MAX_PURCHASE_PRICE) {
            revert RepoPurchasePriceTooLarge(terms.purchasePrice, MAX_PURCHASE_PRICE);
        }
        _requireRateWithinCap(terms.rate);
        if (terms.openBy >= terms.repurchaseTime) {
            revert RepoOpenByNotBeforeRepurchase(terms.openBy, terms.repurchaseTime);
        }
        if (terms.deadline < terms.repurchaseTime) {
            revert RepoDeadlineBeforeRepurchase(terms.repurchaseTime, terms.deadline);
        }
        if (block.timestamp > terms.openBy) revert RepoOpenWindowPassed(id, terms.openBy, block.timestamp);
        if (terms.deadline > block.timestamp + MAX_TERM) {
            revert RepoTermTooLong(terms.deadline, block.timestamp + MAX_TERM);
        }
        RepoStatus status = _repos[id].status;
        if (status != RepoStatus.None) revert RepoAlreadyRecorded(id, status);
    }

    /// @dev Reverts unless |rate| is within {MAX_ABS_RATE}.
    function _requireRateWithinCap(int32 rate) private pure {
        if (SignedMath.abs(rate) > MAX_ABS_RATE) revert RepoRateAboveCap(rate, MAX_ABS_RATE);
    }

    /// @dev Whether the caller is the borrower (true) or the lender (false); reverts for anyone else.
    function _side(bytes32 id, Repo calldata terms) private view returns (bool byBorrower) {
        if (msg.sender == terms.borrower) return true;
        if (msg.sender != terms.lender) revert RepoCallerNotParty(id, msg.sender);
        return false;
    }

    /// @dev Reverts unless the repo is Instructed or Affirmed.
    function _requirePending(bytes32 id, RepoStatus status) private pure {
        if (status == RepoStatus.Instructed || status == RepoStatus.Affirmed) return;
        if (status == RepoStatus.None) revert RepoUnknown(id);
        revert RepoNotPending(id, status);
    }

    /// @dev Reverts unless the repo is Open.
    function _requireOpen(bytes32 id, RepoStatus status) private pure {
        if (status == RepoStatus.Open) return;
        if (status == RepoStatus.None) revert RepoUnknown(id);
        revert RepoNotOpen(id, status);
    }

    /// @dev The EIP-712 digest of `terms`: every field is a static word, so the struct's ABI encoding after
    /// the type hash is exactly EIP-712's `encodeData` (int32 sign-extended in both).
    function _repoId(Repo calldata terms) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REPO_TYPEHASH, terms)));
    }
}
