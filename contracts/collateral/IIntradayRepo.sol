// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IIntradayRepo
/// @notice A repo (現先, sale and repurchase) on the DvP rails: the cash lender buys bonds from the cash
/// borrower by atomic DvP now (the opening leg) and sells them back by atomic DvP at the agreed time for
/// the repurchase price (the closing leg). If the closing leg has not settled by the deadline, the repo
/// has failed: the lender keeps the bonds and the borrower keeps the cash.
///
/// Interest convention (fixed at the opening leg, never recomputed):
///   interest = trunc(purchasePrice × rate × (repurchaseTime − openedAt) ÷ (365 × 86,400 × 1,000,000))
///   repurchasePrice = purchasePrice + interest
/// Act/365 (fixed) counted by the second from the opening leg's block time to the agreed repurchase
/// time; `rate` in ppm a year (1,000 = 0.1%); the yen amount truncated toward zero (a fraction of a yen
/// is never paid, whichever side pays). A negative rate (the Tokyo GC repo rate was below zero from 2016
/// to 2024) makes the interest negative: the lender pays it, and the repurchase price is below the
/// purchase price. The closing leg pays that fixed price whenever it settles between the repurchase time
/// and the deadline: settling later costs nothing more, and no earlier settlement is possible.
///
/// @dev Both legs are kosai SecurityToken series moved with `transferFrom`, so every holder rule of each
/// token applies to each leg (pause, wallet freezes, free balance, recipient verified, compliance
/// modules). Both parties approve this contract on both tokens: the borrower the bond (opening leg) and
/// the cash (closing leg), the lender the cash (opening leg) and the bond (closing leg). The contract
/// never holds tokens.
///
/// Title transfer: between the legs the bonds are the lender's, who may sell, pledge or lose them (a
/// freeze). The closing leg then fails with the token's own error and nothing moves; anyone may retry it
/// until the deadline. The contract cannot tell whose fault a failed closing leg is: a lender who cannot
/// redeliver, or who withdrew its bond approval, fails the repo just as a borrower without cash does, and
/// either way each side ends with what it holds (the outright sale at the purchase price). Who owes what
/// for a fail is for the parties' master agreement, off chain.
///
/// Lifecycle of a repo id: None -> Instructed -> Affirmed -> Open -> Closed or Failed; an unopened repo
/// may instead end Cancelled (both parties) or Lapsed (its opening window passed). Nothing of the terms is
/// stored but one packed {RepoState} slot per id: every call passes the {Repo} terms in calldata and the
/// contract recomputes the id, the EIP-712 digest of the terms under this contract's domain (what the
/// parties sign). An id is never reused: a repeated repo needs a new `nonce`.
interface IIntradayRepo {
    /// @notice Where a repo id is in its lifecycle. `None`: never recorded.
    enum RepoStatus {
        None,
        Instructed,
        Affirmed,
        Open,
        Closed,
        Failed,
        Cancelled,
        Lapsed
    }

    /// @notice The terms both parties agree to. Not stored: passed in calldata on every call.
    /// @param borrower the cash borrower: sells `units` of `bond` for `purchasePrice` in the opening leg and
    /// buys them back for the repurchase price in the closing leg.
    /// @param lender the cash lender: the other side of both legs.
    /// @param bond the bond series (a SecurityToken), in its smallest units (yen of face for a JGB series).
    /// @param units bond units sold and bought back.
    /// @param cash the yen cash token (a SecurityToken); amounts in its smallest unit (¥1 for kosai's).
    /// @param purchasePrice cash paid by the lender in the opening leg.
    /// @param rate the repo rate in ppm a year (1,000,000 = 100%); negative for a negative-rate repo.
    /// @param openBy the last moment (unix seconds, inclusive) the opening leg may settle.
    /// @param repurchaseTime the agreed repurchase time: interest runs to it, and the closing leg settles no
    /// earlier.
    /// @param deadline the last moment (inclusive) the closing leg may settle; after it the repo has failed.
    /// @param nonce distinguishes otherwise identical repos.
    struct Repo {
        address borrower;
        address lender;
        address bond;
        uint256 units;
        address cash;
        uint256 purchasePrice;
        int32 rate;
        uint64 openBy;
        uint64 repurchaseTime;
        uint64 deadline;
        uint256 nonce;
    }

    /// @notice The one storage slot kept per repo id.
    /// @param status the lifecycle state.
    /// @param borrowerAffirmed the borrower instructed, affirmed or signed the repo.
    /// @param lenderAffirmed the lender instructed, affirmed or signed the repo.
    /// @param borrowerCancelRequested the borrower asked to cancel the affirmed, unopened repo.
    /// @param lenderCancelRequested the lender asked to cancel the affirmed, unopened repo.
    /// @param openedAt block time of the opening leg (0 until opened): with the terms it fixes the interest.
    struct RepoState {
        RepoStatus status;
        bool borrowerAffirmed;
        bool lenderAffirmed;
        bool borrowerCancelRequested;
        bool lenderCancelRequested;
        uint64 openedAt;
    }

    /// @notice A repo was recorded. Carries the full terms: the contract itself keeps only the id.
    event RepoInstructed(
        bytes32 indexed id,
        address indexed borrower,
        address indexed lender,
        address instructedBy,
        Repo terms
    );
    /// @notice `party` affirmed the repo (an instruction or a signature counts as its signer's affirmation).
    event RepoAffirmed(bytes32 indexed id, address indexed party);
    /// @notice The opening leg settled: `units` of `bond` borrower -> lender and `purchasePrice` of `cash`
    /// lender -> borrower; the closing leg will pay `repurchasePrice` = `purchasePrice` + `interest`.
    event RepoOpened(
        bytes32 indexed id,
        address indexed borrower,
        address indexed lender,
        address bond,
        uint256 units,
        address cash,
        uint256 purchasePrice,
        int256 interest,
        uint256 repurchasePrice
    );
    /// @notice The closing leg settled: `units` of `bond` lender -> borrower and `repurchasePrice` of `cash`
    /// borrower -> lender.
    event RepoClosed(
        bytes32 indexed id,
        address indexed borrower,
        address indexed lender,
        address bond,
        uint256 units,
        address cash,
        uint256 repurchasePrice
    );
    /// @notice The deadline passed without the closing leg: the lender keeps `units` of the bond, the
    /// borrower keeps the purchase price and never pays `repurchasePrice`. `by` recorded it.
    event RepoFailed(
        bytes32 indexed id,
        address indexed borrower,
        address indexed lender,
        uint256 unitsKept,
        uint256 repurchasePrice,
        address by
    );
    /// @notice `party` asked to cancel an affirmed, unopened repo; it is cancelled once both have asked.
    event RepoCancellationRequested(bytes32 indexed id, address indexed party);
    /// @notice The unopened repo was cancelled; `by` made the last call.
    event RepoCancelled(bytes32 indexed id, address indexed by);
    /// @notice The repo's opening window passed unopened; `by` recorded it.
    event RepoLapsed(bytes32 indexed id, address indexed by);

    /// @notice A borrower, lender, bond or cash address is zero.
    error RepoZeroAddress();
    /// @notice Borrower and lender are the same wallet.
    error RepoSameParty(address party);
    /// @notice Bond and cash are the same token.
    error RepoSameAsset(address token);
    /// @notice The repo moves no bond units.
    error RepoZeroUnits();
    /// @notice The repo lends no cash.
    error RepoZeroPurchasePrice();
    /// @notice The purchase price exceeds what a token balance can hold (2^128 - 1).
    error RepoPurchasePriceTooLarge(uint256 purchasePrice, uint256 max);
    /// @notice |rate| exceeds the cap (ppm a year).
    error RepoRateAboveCap(int32 rate, uint32 maxAbsRate);
    /// @notice The opening leg must settle before the repurchase time: the opening window (`openBy`, or
    /// the opening time in {quote}) must end before it.
    error RepoOpenByNotBeforeRepurchase(uint64 openBy, uint64 repurchaseTime);
    /// @notice The deadline is before the repurchase time.
    error RepoDeadlineBeforeRepurchase(uint64 repurchaseTime, uint64 deadline);
    /// @notice The repo ends (`end`: its deadline when recorded, its repurchase time in {quote}) later
    /// than the longest term allows (`latest`: now, or the opening time, plus the longest term).
    error RepoTermTooLong(uint64 end, uint256 latest);
    /// @notice No repo with this id was ever recorded (or the terms passed differ from the recorded ones).
    error RepoUnknown(bytes32 id);
    /// @notice A repo with this id was already recorded.
    error RepoAlreadyRecorded(bytes32 id, RepoStatus status);
    /// @notice Only the repo's borrower or lender may do this.
    error RepoCallerNotParty(bytes32 id, address caller);
    /// @notice `party` has already affirmed the repo.
    error RepoAlreadyAffirmed(bytes32 id, address party);
    /// @notice `signer`'s signature over the repo id is not valid (EOA or ERC-1271 wallet).
    error RepoInvalidSignature(bytes32 id, address signer);
    /// @notice The repo must be Instructed or Affirmed (recorded, unopened, not ended) for this.
    error RepoNotPending(bytes32 id, RepoStatus status);
    /// @notice The repo must be Affirmed by both parties (and not yet opened) to open.
    error RepoNotAffirmed(bytes32 id, RepoStatus status);
    /// @notice The repo must be Open (opened, neither closed nor failed) for this.
    error RepoNotOpen(bytes32 id, RepoStatus status);
    /// @notice The opening window has passed.
    error RepoOpenWindowPassed(bytes32 id, uint64 openBy, uint256 timestamp);
    /// @notice The opening window has not passed yet.
    error RepoOpenWindowNotPassed(bytes32 id, uint64 openBy, uint256 timestamp);
    /// @notice The repurchase time has not come yet.
    error RepoTooEarlyToClose(bytes32 id, uint64 repurchaseTime, uint256 timestamp);
    /// @notice The repurchase deadline has passed.
    error RepoDeadlinePassed(bytes32 id, uint64 deadline, uint256 timestamp);
    /// @notice The repurchase deadline has not passed yet.
    error RepoDeadlineNotPassed(bytes32 id, uint64 deadline, uint256 timestamp);
    /// @notice `party` has already asked to cancel the repo.
    error RepoCancellationAlreadyRequested(bytes32 id, address party);

    /// @notice Records `terms` on behalf of the caller, who must be its borrower or lender; the caller's
    /// side counts as affirmed.
    /// @dev Requirements: caller is the borrower or the lender; no zero address; borrower != lender;
    /// bond != cash; nonzero units and purchase price; purchase price below 2^128; |rate| <= the cap;
    /// openBy not passed and before repurchaseTime; repurchaseTime <= deadline <= now + the longest term;
    /// the id never recorded. Emits {RepoInstructed} and {RepoAffirmed} for the caller.
    /// @param terms the terms.
    /// @return id the repo id (its EIP-712 digest).
    function instruct(Repo calldata terms) external returns (bytes32 id);

    /// @notice The counterparty affirms an instructed repo; it may then open.
    /// @dev Requirements: the repo is Instructed; caller is the party that has not affirmed yet; openBy not
    /// passed. Emits {RepoAffirmed}.
    /// @param terms the terms, as instructed.
    function affirm(Repo calldata terms) external;

    /// @notice Records `terms` as affirmed by the caller (a party) and by the counterparty's EIP-712
    /// signature over `Repo(...)` under this contract's domain, and settles the opening leg, all in one
    /// transaction. Contract wallets sign through ERC-1271.
    /// @dev Requirements: caller is the borrower or the lender; the {instruct} rules on the terms; the
    /// counterparty's signature valid for the repo id (a recorded id is never recorded again, so the
    /// signature cannot be replayed); the {open} rules. Emits {RepoInstructed}, {RepoAffirmed} for each
    /// party (the caller first) and {RepoOpened}.
    /// @param terms the terms.
    /// @param counterpartySignature the other party's signature over the repo id.
    /// @return id the repo id.
    function openWithSignature(Repo calldata terms, bytes calldata counterpartySignature) external returns (bytes32 id);

    /// @notice Settles the opening leg of an affirmed repo: `units` of the bond borrower -> lender and the
    /// purchase price lender -> borrower, both with `transferFrom`, all or nothing; fixes the repurchase
    /// price from this block's time (see the interest convention above).
    /// @dev Anyone may call it: both parties have affirmed the terms, including the opening window. If
    /// either leg fails the call reverts with the token's own error and nothing moves.
    /// Requirements: the repo is Affirmed; now <= openBy; both transfers succeed. Emits {RepoOpened}.
    /// @param terms the terms, as recorded.
    function open(Repo calldata terms) external;

    /// @notice Settles the closing leg of an open repo: `units` of the bond lender -> borrower and the
    /// repurchase price borrower -> lender, both with `transferFrom`, all or nothing.
    /// @dev Anyone may call it (usually the borrower). If either leg fails (the borrower lacks cash, the
    /// lender no longer holds the bonds, a wallet is frozen, compliance refuses) the call reverts with the
    /// token's own error, nothing moves, and the repo stays Open: it may be retried until the deadline.
    /// Requirements: the repo is Open; repurchaseTime <= now <= deadline; both transfers succeed.
    /// Emits {RepoClosed}.
    /// @param terms the terms, as recorded.
    function close(Repo calldata terms) external;

    /// @notice Records that an open repo's deadline passed without the closing leg: the lender keeps the
    /// bonds, the borrower the cash. Nothing moves.
    /// @dev Anyone may call it. Requirements: the repo is Open; now > deadline. Emits {RepoFailed}.
    /// @param terms the terms, as recorded.
    function markFailed(Repo calldata terms) external;

    /// @notice A party cancels, or asks to cancel, a repo that has not opened.
    /// @dev While only one side has affirmed (Instructed), either party cancels alone. Once Affirmed, the
    /// repo binds both: the call records the caller's request, and the repo is cancelled when the other
    /// party has asked too; a one-sided request does not stop the opening leg.
    /// Requirements: caller is the borrower or the lender; the repo is Instructed or Affirmed; the caller
    /// has not asked before. Emits {RepoCancelled} while Instructed; once Affirmed,
    /// {RepoCancellationRequested}, followed by {RepoCancelled} when the other party had already asked.
    /// @param terms the terms, as recorded.
    function cancel(Repo calldata terms) external;

    /// @notice Records that an unopened repo's opening window passed; it can never open.
    /// @dev Anyone may call it. Requirements: the repo is Instructed or Affirmed; now > openBy.
    /// Emits {RepoLapsed}.
    /// @param terms the terms, as recorded.
    function markLapsed(Repo calldata terms) external;

    /// @notice The id of `terms`: its EIP-712 digest under this contract's domain (what parties sign).
    /// @param terms the terms.
    /// @return id the repo id.
    function repoId(Repo calldata terms) external view returns (bytes32 id);

    /// @notice The state kept for repo `id` (status None, all flags false and openedAt 0 if never recorded).
    /// @param id the repo id.
    /// @return state status, affirmations, cancellation requests and opening time.
    function repoState(bytes32 id) external view returns (RepoState memory state);

    /// @notice The interest and repurchase price of `terms` if its opening leg settles at `openedAt`
    /// (for an opened repo, pass {RepoState-openedAt}: the result is what its closing leg pays).
    /// @dev Requirements: openedAt < repurchaseTime <= openedAt + the longest term; |rate| <= the cap.
    /// @param terms the terms.
    /// @param openedAt the opening leg's block time (unix seconds).
    /// @return interest the repo interest in cash units, truncated toward zero (negative for a negative rate).
    /// @return repurchasePrice purchasePrice + interest.
    function quote(
        Repo calldata terms,
        uint64 openedAt
    ) external pure returns (int256 interest, uint256 repurchasePrice);
}
