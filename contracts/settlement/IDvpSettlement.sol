// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IDvpSettlement
/// @notice Atomic delivery-versus-payment for secondary trades: bond units move from seller to buyer and
/// yen cash moves from buyer to seller in one transaction, or nothing moves. Both legs are kosai
/// SecurityToken series moved with `transferFrom`, so every holder rule of each token applies (pause,
/// wallet freezes, free balance, recipient verified, compliance). Settlement runs 24/7: the only clock
/// rules are the trade's own settlement window.
/// @dev Lifecycle of a trade id: None -> Instructed -> Affirmed -> Settled, with Cancelled and Expired as
/// the other final states. Nothing of the trade is stored but one packed {TradeState} slot per id: every
/// call passes the {Trade} in calldata and the contract recomputes its id. The id is the EIP-712 digest
/// of the trade under this contract's domain, so the id is also what the parties sign. An id is never
/// reused: a final state stays final, and a repeated trade needs a new `nonce`.
interface IDvpSettlement {
    /// @notice Where a trade id is in its lifecycle. `None`: never recorded.
    enum TradeStatus {
        None,
        Instructed,
        Affirmed,
        Settled,
        Cancelled,
        Expired
    }

    /// @notice The terms both parties agree to. Not stored: passed in calldata on every call.
    /// @param seller delivers `units` of `bond` and receives `cashAmount` of `cash`.
    /// @param buyer delivers `cashAmount` of `cash` and receives `units` of `bond`.
    /// @param bond the bond series (a SecurityToken), in its smallest units (yen face for a 0-decimal series).
    /// @param units bond units delivered.
    /// @param cash the yen cash token (a SecurityToken).
    /// @param cashAmount cash paid, in the cash token's smallest units.
    /// @param settleAfter the agreed settlement time (unix seconds): the earliest moment it may settle.
    /// @param expiry the last moment (unix seconds, inclusive) it may settle.
    /// @param nonce distinguishes otherwise identical trades.
    struct Trade {
        address seller;
        address buyer;
        address bond;
        uint256 units;
        address cash;
        uint256 cashAmount;
        uint64 settleAfter;
        uint64 expiry;
        uint256 nonce;
    }

    /// @notice The one storage slot kept per trade id.
    /// @param status the lifecycle state.
    /// @param sellerAffirmed the seller instructed or affirmed the trade.
    /// @param buyerAffirmed the buyer instructed or affirmed the trade.
    /// @param sellerCancelRequested the seller asked to cancel the affirmed trade.
    /// @param buyerCancelRequested the buyer asked to cancel the affirmed trade.
    struct TradeState {
        TradeStatus status;
        bool sellerAffirmed;
        bool buyerAffirmed;
        bool sellerCancelRequested;
        bool buyerCancelRequested;
    }

    /// @notice A trade was recorded. Carries the full terms: the contract itself keeps only the id.
    event TradeInstructed(
        bytes32 indexed id,
        address indexed seller,
        address indexed buyer,
        address instructedBy,
        Trade trade
    );
    /// @notice `party` affirmed the trade (an instruction or signature counts as the signer's affirmation).
    event TradeAffirmed(bytes32 indexed id, address indexed party);
    /// @notice Both legs moved: `units` of `bond` seller -> buyer, `cashAmount` of `cash` buyer -> seller.
    event TradeSettled(
        bytes32 indexed id,
        address indexed seller,
        address indexed buyer,
        address bond,
        uint256 units,
        address cash,
        uint256 cashAmount
    );
    /// @notice In a batch, the trade did not settle and nothing of it moved; `reason` is the revert data
    /// (a token's own custom error, or one of this contract's).
    event TradeSettlementFailed(bytes32 indexed id, bytes reason);
    /// @notice `party` asked to cancel an affirmed trade; it is cancelled once both parties have asked.
    event TradeCancellationRequested(bytes32 indexed id, address indexed party);
    /// @notice The trade was cancelled by `by` (a party, or the settlement agent with a `reason`).
    event TradeCancelled(bytes32 indexed id, address indexed by, string reason);
    /// @notice The trade's expiry passed unsettled; `by` recorded it.
    event TradeExpired(bytes32 indexed id, address indexed by);

    /// @notice A seller, buyer, bond or cash address is zero.
    error DvpZeroAddress();
    /// @notice The trade delivers no bond units.
    error DvpZeroUnits();
    /// @notice The trade pays no cash.
    error DvpZeroCashAmount();
    /// @notice Seller and buyer are the same wallet.
    error DvpSameParty(address party);
    /// @notice Both legs name the same token.
    error DvpSameAsset(address token);
    /// @notice The trade's expiry is before its earliest settlement time.
    error DvpExpiryBeforeSettleAfter(uint64 settleAfter, uint64 expiry);
    /// @notice The trade's expiry has passed.
    error DvpTradeExpired(bytes32 id, uint64 expiry, uint256 timestamp);
    /// @notice The trade's expiry has not passed yet.
    error DvpTradeNotExpired(bytes32 id, uint64 expiry, uint256 timestamp);
    /// @notice The earliest settlement time has not come yet.
    error DvpSettlementTooEarly(bytes32 id, uint64 settleAfter, uint256 timestamp);
    /// @notice No trade with this id was ever recorded (or the terms passed differ from the recorded ones).
    error DvpTradeUnknown(bytes32 id);
    /// @notice A trade with this id was already recorded.
    error DvpTradeAlreadyInstructed(bytes32 id, TradeStatus status);
    /// @notice The trade already settled.
    error DvpTradeAlreadySettled(bytes32 id);
    /// @notice The trade was cancelled.
    error DvpTradeAlreadyCancelled(bytes32 id);
    /// @notice The trade was marked expired.
    error DvpTradeAlreadyExpired(bytes32 id);
    /// @notice The counterparty has not affirmed the trade yet.
    error DvpTradeNotAffirmed(bytes32 id);
    /// @notice `party` has already affirmed the trade.
    error DvpAlreadyAffirmed(bytes32 id, address party);
    /// @notice Only the trade's seller or buyer may do this.
    error DvpCallerNotParty(bytes32 id, address caller);
    /// @notice `signer`'s signature over the trade id is not valid (EOA or ERC-1271 wallet).
    error DvpInvalidSignature(bytes32 id, address signer);
    /// @notice `party` has already asked to cancel the trade.
    error DvpCancellationAlreadyRequested(bytes32 id, address party);
    /// @notice The settlement agent must say why it cancels.
    error DvpCancellationReasonEmpty(bytes32 id);
    /// @notice A batch holds more trades than the cap.
    error DvpBatchTooLarge(uint256 size, uint256 max);
    /// @notice Only the contract itself may call this.
    error DvpCallerNotSelf(address caller);

    /// @notice Records `trade` on behalf of the caller, who must be its seller or buyer; the caller's side
    /// counts as affirmed.
    /// @dev Requirements: caller is the seller or the buyer; no zero address; nonzero units and cash;
    /// seller != buyer; bond != cash; settleAfter <= expiry; expiry not passed; the id never recorded.
    /// Emits {TradeInstructed} and {TradeAffirmed} for the caller.
    /// @param trade the terms.
    /// @return id the trade id (its EIP-712 digest).
    function instruct(Trade calldata trade) external returns (bytes32 id);

    /// @notice The counterparty affirms an instructed trade; it becomes settleable.
    /// @dev Requirements: the trade is Instructed; caller is the party that has not affirmed yet; expiry
    /// not passed. Emits {TradeAffirmed}.
    /// @param trade the terms, as instructed.
    function affirm(Trade calldata trade) external;

    /// @notice Records `trade` as affirmed by both parties at once, from their EIP-712 signatures over
    /// `Trade(...)` under this contract's domain. Contract wallets sign through ERC-1271.
    /// @dev Requirements: caller has SETTLEMENT_AGENT; the {instruct} rules on the terms; both signatures
    /// valid for the trade id. An id is recorded once, so a signature cannot be replayed.
    /// Emits {TradeInstructed} and {TradeAffirmed} for the seller and the buyer.
    /// @param trade the terms.
    /// @param sellerSignature the seller's signature over the trade id.
    /// @param buyerSignature the buyer's signature over the trade id.
    /// @return id the trade id.
    function instructWithSignatures(
        Trade calldata trade,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature
    ) external returns (bytes32 id);

    /// @notice Settles an affirmed trade: bond units seller -> buyer and cash buyer -> seller, both with
    /// `transferFrom` (the parties approved this contract on both tokens), all or nothing.
    /// @dev Anyone may call it: both parties have affirmed the terms and the window, so settlement needs no
    /// further consent, and a keeper can settle at any hour. If either leg fails the whole call reverts with
    /// the token's own error (e.g. `TokenTransferNotCompliant`, `TokenInsufficientFreeBalance`).
    /// Requirements: the trade is Affirmed; settleAfter <= now <= expiry; both token transfers succeed.
    /// Emits {TradeSettled}.
    /// @param trade the terms, as recorded.
    function settle(Trade calldata trade) external;

    /// @notice Settles each trade wholly or not at all; a failing trade does not stop the others.
    /// @dev Anyone may call it (see {settle}). Each trade runs in its own call frame: a failed trade's writes
    /// roll back and it stays as it was (e.g. Affirmed, to retry later). A trade starved of gas fails with
    /// empty revert data and stays settleable: give the call enough gas (about 85,000 per trade between
    /// parties not yet touched in the batch). Requirements: at most the batch cap of trades.
    /// Emits {TradeSettled} or {TradeSettlementFailed} per trade, in order.
    /// @param trades the trades to settle.
    /// @return settled per trade, whether it settled.
    function settleBatch(Trade[] calldata trades) external returns (bool[] memory settled);

    /// @notice A party cancels or asks to cancel an unsettled trade.
    /// @dev While only one side has affirmed (Instructed), either party cancels alone: the instructing
    /// party withdraws it, the counterparty declines it. Once Affirmed, the trade binds both: the call
    /// records the caller's request, and the trade is cancelled when the other party has asked too. A
    /// one-sided request does not stop settlement and cannot be withdrawn. Requirements: caller is the
    /// seller or the buyer; the trade is Instructed or Affirmed; the caller has not asked before.
    /// Emits {TradeCancelled} while Instructed; once Affirmed, {TradeCancellationRequested}, followed by
    /// {TradeCancelled} when the other party had already asked.
    /// @param trade the terms, as recorded.
    function cancel(Trade calldata trade) external;

    /// @notice The settlement agent cancels an unsettled trade, with a reason (an error in the terms, a
    /// court order, a party's default).
    /// @dev Requirements: caller has SETTLEMENT_AGENT; the trade is Instructed or Affirmed; `reason` not
    /// empty. Emits {TradeCancelled}.
    /// @param trade the terms, as recorded.
    /// @param reason why, for the record.
    function cancelByAgent(Trade calldata trade, string calldata reason) external;

    /// @notice Records that an unsettled trade's expiry has passed; it can never settle.
    /// @dev Anyone may call it. Requirements: the trade is Instructed or Affirmed; now > expiry.
    /// Emits {TradeExpired}.
    /// @param trade the terms, as recorded.
    function markExpired(Trade calldata trade) external;

    /// @notice The id of `trade`: its EIP-712 digest under this contract's domain (what parties sign).
    /// @param trade the terms.
    /// @return id the trade id.
    function tradeId(Trade calldata trade) external view returns (bytes32 id);

    /// @notice The state kept for trade `id` (status None and all flags false if never recorded).
    /// @param id the trade id.
    /// @return state status, affirmations and cancellation requests.
    function tradeState(bytes32 id) external view returns (TradeState memory state);
}
