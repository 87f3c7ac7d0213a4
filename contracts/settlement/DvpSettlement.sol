// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDvpSettlement} from "./IDvpSettlement.sol";

/// @title DvpSettlement
/// @notice Atomic delivery-versus-payment of bond units against yen cash tokens, 24/7. See {IDvpSettlement}.
/// @dev Gas: a trade costs one storage slot (its {TradeState}); the terms travel in calldata and are hashed
/// on every call. Settlement writes the final status before either token is called (checks-effects-
/// interactions) and holds a transient reentrancy lock. The contract never holds tokens: each leg is a
/// `transferFrom` between the parties, under every rule of the token moved.
contract DvpSettlement is IDvpSettlement, EIP712, AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Records trades from both parties' signatures and cancels trades with a reason.
    bytes32 public constant SETTLEMENT_AGENT = keccak256("kosai.role.SETTLEMENT_AGENT");

    /// @notice The most trades one {settleBatch} call takes.
    uint256 public constant MAX_BATCH_SIZE = 200;

    /// @notice EIP-712 type hash of {Trade}.
    // solhint-disable-next-line gas-small-strings
    bytes32 public constant TRADE_TYPEHASH = keccak256(
        "Trade(address seller,address buyer,address bond,uint256 units,address cash,uint256 cashAmount,uint64 settleAfter,uint64 expiry,uint256 nonce)"
    );

    mapping(bytes32 id => TradeState state) private _trades;

    /// @param owner_ the default admin, who grants SETTLEMENT_AGENT.
    constructor(address owner_) EIP712("kosai DvpSettlement", "1") AccessControlDefaultAdminRules(0, owner_) {}

    // ================================================================== recording

    /// @inheritdoc IDvpSettlement
    function instruct(Trade calldata trade) external returns (bytes32 id) {
        id = _tradeId(trade);
        bool bySeller = _side(id, trade);
        _requireNew(id, trade);
        _trades[id] = TradeState({
            status: TradeStatus.Instructed,
            sellerAffirmed: bySeller,
            buyerAffirmed: !bySeller,
            sellerCancelRequested: false,
            buyerCancelRequested: false
        });
        emit TradeInstructed(id, trade.seller, trade.buyer, msg.sender, trade);
        emit TradeAffirmed(id, msg.sender);
    }

    /// @inheritdoc IDvpSettlement
    function affirm(Trade calldata trade) external {
        bytes32 id = _tradeId(trade);
        TradeState storage state = _trades[id];
        _requireOpen(id, state.status);
        bool bySeller = _side(id, trade);
        if (bySeller ? state.sellerAffirmed : state.buyerAffirmed) revert DvpAlreadyAffirmed(id, msg.sender);
        if (block.timestamp > trade.expiry) revert DvpTradeExpired(id, trade.expiry, block.timestamp);
        // Instructed with one side affirmed: the other side's affirmation completes it.
        state.status = TradeStatus.Affirmed;
        state.sellerAffirmed = true;
        state.buyerAffirmed = true;
        emit TradeAffirmed(id, msg.sender);
    }

    /// @inheritdoc IDvpSettlement
    function instructWithSignatures(
        Trade calldata trade,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature
    ) external onlyRole(SETTLEMENT_AGENT) returns (bytes32 id) {
        id = _tradeId(trade);
        _requireNew(id, trade);
        if (!SignatureChecker.isValidSignatureNowCalldata(trade.seller, id, sellerSignature)) {
            revert DvpInvalidSignature(id, trade.seller);
        }
        if (!SignatureChecker.isValidSignatureNowCalldata(trade.buyer, id, buyerSignature)) {
            revert DvpInvalidSignature(id, trade.buyer);
        }
        _trades[id] = TradeState({
            status: TradeStatus.Affirmed,
            sellerAffirmed: true,
            buyerAffirmed: true,
            sellerCancelRequested: false,
            buyerCancelRequested: false
        });
        emit TradeInstructed(id, trade.seller, trade.buyer, msg.sender, trade);
        emit TradeAffirmed(id, trade.seller);
        emit TradeAffirmed(id, trade.buyer);
    }

    // ================================================================== settlement

    /// @inheritdoc IDvpSettlement
    function settle(Trade calldata trade) external nonReentrant {
        _settle(trade, _tradeId(trade));
    }

    /// @inheritdoc IDvpSettlement
    function settleBatch(Trade[] calldata trades) external nonReentrant returns (bool[] memory settled) {
        uint256 count = trades.length;
        if (count > MAX_BATCH_SIZE) revert DvpBatchTooLarge(count, MAX_BATCH_SIZE);
        settled = new bool[](count);
        for (uint256 i = 0; i < count; ++i) {
            bytes32 id = _tradeId(trades[i]);
            // A call frame of its own: a failing trade's writes (its status) roll back with it.
            try this.settleInBatch(trades[i], id) {
                settled[i] = true;
            } catch (bytes memory reason) {
                emit TradeSettlementFailed(id, reason);
            }
        }
    }

    /// @notice One trade of {settleBatch}, in its own call frame.
    /// @dev Requirements: the caller is this contract (only {settleBatch} calls it, under its reentrancy
    /// lock, with `id` computed from `trade`); the {settle} rules. Emits {TradeSettled}.
    /// @param trade the terms, as recorded.
    /// @param id the id of `trade`.
    function settleInBatch(Trade calldata trade, bytes32 id) external {
        if (msg.sender != address(this)) revert DvpCallerNotSelf(msg.sender);
        _settle(trade, id);
    }

    // ================================================================== cancellation and expiry

    /// @inheritdoc IDvpSettlement
    function cancel(Trade calldata trade) external {
        bytes32 id = _tradeId(trade);
        TradeState storage state = _trades[id];
        TradeStatus status = state.status;
        _requireOpen(id, status);
        bool bySeller = _side(id, trade);
        if (status == TradeStatus.Instructed) {
            state.status = TradeStatus.Cancelled;
            emit TradeCancelled(id, msg.sender, "");
            return;
        }
        if (bySeller ? state.sellerCancelRequested : state.buyerCancelRequested) {
            revert DvpCancellationAlreadyRequested(id, msg.sender);
        }
        bool otherAsked = bySeller ? state.buyerCancelRequested : state.sellerCancelRequested;
        if (bySeller) state.sellerCancelRequested = true;
        else state.buyerCancelRequested = true;
        emit TradeCancellationRequested(id, msg.sender);
        if (otherAsked) {
            state.status = TradeStatus.Cancelled;
            emit TradeCancelled(id, msg.sender, "");
        }
    }

    /// @inheritdoc IDvpSettlement
    function cancelByAgent(Trade calldata trade, string calldata reason) external onlyRole(SETTLEMENT_AGENT) {
        bytes32 id = _tradeId(trade);
        TradeState storage state = _trades[id];
        _requireOpen(id, state.status);
        if (bytes(reason).length == 0) revert DvpCancellationReasonEmpty(id);
        state.status = TradeStatus.Cancelled;
        emit TradeCancelled(id, msg.sender, reason);
    }

    /// @inheritdoc IDvpSettlement
    function markExpired(Trade calldata trade) external {
        bytes32 id = _tradeId(trade);
        TradeState storage state = _trades[id];
        _requireOpen(id, state.status);
        if (block.timestamp <= trade.expiry) revert DvpTradeNotExpired(id, trade.expiry, block.timestamp);
        state.status = TradeStatus.Expired;
        emit TradeExpired(id, msg.sender);
    }

    // ================================================================== views

    /// @inheritdoc IDvpSettlement
    function tradeId(Trade calldata trade) external view returns (bytes32 id) {
        return _tradeId(trade);
    }

    /// @inheritdoc IDvpSettlement
    function tradeState(bytes32 id) external view returns (TradeState memory state) {
        return _trades[id];
    }

    // ================================================================== internals

    /// @dev Both legs or neither: the status is final before the first token call, and any failure reverts
    /// the whole frame with the token's own error (SafeERC20 bubbles it).
    function _settle(Trade calldata trade, bytes32 id) private {
        TradeState storage state = _trades[id];
        TradeStatus status = state.status;
        if (status != TradeStatus.Affirmed) {
            if (status == TradeStatus.Instructed) revert DvpTradeNotAffirmed(id);
            _requireOpen(id, status);
        }
        if (block.timestamp < trade.settleAfter) {
            revert DvpSettlementTooEarly(id, trade.settleAfter, block.timestamp);
        }
        if (block.timestamp > trade.expiry) revert DvpTradeExpired(id, trade.expiry, block.timestamp);
        state.status = TradeStatus.Settled;
        IERC20(trade.bond).safeTransferFrom(trade.seller, trade.buyer, trade.units);
        IERC20(trade.cash).safeTransferFrom(trade.buyer, trade.seller, trade.cashAmount);
        emit TradeSettled(id, trade.seller, trade.buyer, trade.bond, trade.units, trade.cash, trade.cashAmount);
    }

    /// @dev The terms rules of a new trade, and the id never used.
    function _requireNew(bytes32 id, Trade calldata trade) private view {
        if (
            trade.seller == address(0) ||
            trade.buyer == address(0) ||
            trade.bond == address(0) ||
            trade.cash == address(0)
        ) revert DvpZeroAddress();
        if (trade.seller == trade.buyer) revert DvpSameParty(trade.seller);
        if (trade.bond == trade.cash) revert DvpSameAsset(trade.bond);
        if (trade.units == 0) revert DvpZeroUnits();
        if (trade.cashAmount == 0) revert DvpZeroCashAmount();
        if (trade.expiry < trade.settleAfter) revert DvpExpiryBeforeSettleAfter(trade.settleAfter, trade.expiry);
        if (block.timestamp > trade.expiry) revert DvpTradeExpired(id, trade.expiry, block.timestamp);
        TradeStatus status = _trades[id].status;
        if (status != TradeStatus.None) revert DvpTradeAlreadyInstructed(id, status);
    }

    /// @dev Whether the caller is the seller (true) or the buyer (false); reverts for anyone else.
    function _side(bytes32 id, Trade calldata trade) private view returns (bool bySeller) {
        if (msg.sender == trade.seller) return true;
        if (msg.sender != trade.buyer) revert DvpCallerNotParty(id, msg.sender);
        return false;
    }

    /// @dev Reverts unless the trade is Instructed or Affirmed, naming why.
    function _requireOpen(bytes32 id, TradeStatus status) private pure {
        if (status == TradeStatus.None) revert DvpTradeUnknown(id);
        if (status == TradeStatus.Settled) revert DvpTradeAlreadySettled(id);
        if (status == TradeStatus.Cancelled) revert DvpTradeAlreadyCancelled(id);
        if (status == TradeStatus.Expired) revert DvpTradeAlreadyExpired(id);
    }

    /// @dev The EIP-712 digest of `trade`: every field is a static word, so the struct's ABI encoding after
    /// the type hash is exactly EIP-712's `encodeData`.
    function _tradeId(Trade calldata trade) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(TRADE_TYPEHASH, trade)));
    }
}
