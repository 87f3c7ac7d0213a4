// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ICollateralEscrow
/// @notice Bonds pledged by a pledgor to a secured party (a clearing house, a lender) under haircuts:
/// one account per (pledgor, secured party); valuation from a price feed; margin calls; top-ups;
/// substitution; release of the excess; maturity into cash collateral; default and enforcement.
/// @dev Pledged units never leave the pledgor's wallet until enforced: the series counts them as pledged
/// (see {ISecurityToken-pledge}), so the pledgor keeps the coupons while not in default, and no transfer,
/// forced transfer, burn, freeze or redemption can consume them. Money is in yen of the cash token; prices
/// are yen per ¥100 face with 6 decimals; haircut factors are basis points of value counted (9,900 = 99%).
interface ICollateralEscrow {
    /// @notice Where an account stands.
    enum Status {
        None,
        Active,
        Called,
        Defaulted,
        Closed
    }

    /// @notice Residual-maturity buckets of the haircut tables, in years: ≤1, 1–5, 5–10, 10–20, 20–30, >30.
    /// @notice Haircut classes: 0 JGB and T-bill, 1 inflation-indexed JGB, 2 municipal, 3 corporate.

    /// @notice A collateral account.
    struct Account {
        address pledgor;
        Status status;
        uint64 callDeadline;
        address securedParty;
        uint128 requirement;
        uint128 cash;
        uint128 outstanding;
    }

    /// @notice A secured party's policy.
    /// @param maxPriceAge the oldest price (seconds) that still counts; older values the series at zero.
    /// @param cashAllowed whether cash tokens count as collateral.
    struct Policy {
        bool set;
        bool cashAllowed;
        uint32 maxPriceAge;
    }

    /// @notice A collateral sale on enforcement, awaiting its buyer.
    struct Sale {
        bytes32 account;
        address series;
        uint128 units;
        uint128 cashAmount;
        address buyer;
        uint64 expiry;
    }

    event PolicySet(address indexed securedParty, uint32 maxPriceAge, bool cashAllowed);
    event HaircutsSet(address indexed securedParty, uint8 indexed haircutClass, uint16[6] factors);
    event EligibilitySet(address indexed securedParty, address indexed series, bool eligible);
    event RequirementSet(
        bytes32 indexed account,
        address indexed pledgor,
        address indexed securedParty,
        uint256 requirement
    );
    event Pledged(bytes32 indexed account, address indexed series, uint256 units);
    event CashPledged(bytes32 indexed account, uint256 amount);
    event Released(bytes32 indexed account, address indexed series, uint256 units, uint256 coverage);
    event CashReleased(bytes32 indexed account, uint256 amount, uint256 coverage);
    event Substituted(
        bytes32 indexed account,
        address indexed outSeries,
        uint256 outUnits,
        address indexed inSeries,
        uint256 inUnits,
        uint256 coverage
    );
    event MarginCalled(bytes32 indexed account, uint256 coverage, uint256 requirement, uint64 deadline);
    event MarginCallMet(bytes32 indexed account, uint256 coverage, uint256 requirement);
    event DefaultDeclared(bytes32 indexed account, uint256 coverage, uint256 obligation);
    event CollateralTaken(
        bytes32 indexed account,
        address indexed series,
        uint256 units,
        uint256 value,
        uint256 outstanding
    );
    event CashTaken(bytes32 indexed account, uint256 amount, uint256 outstanding);
    event SaleListed(
        uint256 indexed saleId,
        bytes32 indexed account,
        address series,
        uint256 units,
        address buyer,
        uint256 cashAmount
    );
    event CollateralSold(
        uint256 indexed saleId,
        bytes32 indexed account,
        uint256 units,
        uint256 cashAmount,
        uint256 toSecuredParty,
        uint256 surplusToPledgor,
        uint256 outstanding
    );
    event AccountClosed(bytes32 indexed account, uint256 outstandingLoss, uint256 returnedCash);
    event CollateralMatured(bytes32 indexed account, address indexed series, uint256 units, uint256 cash);
    event PledgorWalletChanged(bytes32 indexed account, address indexed lostWallet, address indexed newWallet);
    event PayingAgentSet(address indexed payingAgent);

    error EscrowZeroAddress();
    error EscrowNoPolicy(address securedParty);
    error EscrowBadHaircuts(uint8 haircutClass);
    error EscrowNotPledgeAgentOf(address series);
    error EscrowPledgorNotRegistered(address pledgor);
    error EscrowPledgorNotVerified(address pledgor);
    error EscrowUnknownAccount(address pledgor, address securedParty);
    error EscrowAccountStatus(bytes32 account, Status status);
    error EscrowIneligibleSeries(address securedParty, address series);
    error EscrowZeroAmount();
    error EscrowExceedsPledged(bytes32 account, address series, uint256 pledged, uint256 requested);
    error EscrowExceedsCash(bytes32 account, uint256 cash, uint256 requested);
    error EscrowCashNotAllowed(address securedParty);
    error EscrowCoverageBelowRequirement(bytes32 account, uint256 coverage, uint256 requirement);
    error EscrowNoShortfall(bytes32 account, uint256 coverage, uint256 requirement);
    error EscrowBadDeadline(uint64 deadline, uint256 nowTime);
    error EscrowDeadlineNotPassed(bytes32 account, uint64 deadline, uint256 nowTime);
    error EscrowCallMet(bytes32 account, uint256 coverage, uint256 requirement);
    error EscrowStalePrice(address series, uint64 observedAt, uint256 nowTime);
    error EscrowTakeExceedsObligation(bytes32 account, uint256 value, uint256 outstanding);
    error EscrowObligationOutstanding(bytes32 account, uint256 outstanding);
    error EscrowUnknownSale(uint256 saleId);
    error EscrowNotBuyer(uint256 saleId, address caller);
    error EscrowSaleExpired(uint256 saleId, uint64 expiry);
    error EscrowTooManySeries(bytes32 account, uint256 max);
    error EscrowTooManyAccounts(address pledgor, uint256 max);
    error EscrowCallerNotPayingAgent(address caller);
    error EscrowUnknownPledge(address series, address wallet);

    /// @notice Sets the caller's policy as a secured party.
    /// @dev Emits {PolicySet}.
    function setPolicy(uint32 maxPriceAge, bool cashAllowed) external;

    /// @notice Replaces the caller's haircut factors (basis points counted, per residual-maturity bucket)
    /// for a class; until set, the BoJ reference table applies.
    /// @dev Requirements: a policy; class < 4; each factor in 1..10,000. Emits {HaircutsSet}.
    function setHaircuts(uint8 haircutClass, uint16[6] calldata factors) external;

    /// @notice Makes `series` eligible (or not) as the caller's collateral.
    /// @dev Requirements: a policy; this escrow is the series' pledge agent. Emits {EligibilitySet}.
    function setEligible(address series, bool eligible) external;

    /// @notice Sets the margin requirement (yen) of the caller's account with `pledgor`, opening it.
    /// @dev Requirements: a policy; pledgor registered; account not in default. Emits {RequirementSet}.
    function setRequirement(address pledgor, uint256 requirement) external;

    /// @notice Pledges `units` of the caller's `series` to `securedParty`.
    /// @dev Requirements: an open account (not in default); caller verified; series eligible; units free,
    /// wallet not frozen. Emits {Pledged}; {MarginCallMet} when it ends a call.
    function pledge(address securedParty, address series, uint256 units) external;

    /// @notice Pledges cash tokens (if the policy allows cash).
    /// @dev Requirements: as {pledge}; the caller approved this escrow on the cash token.
    /// Emits {CashPledged}; {MarginCallMet} when it ends a call.
    function pledgeCash(address securedParty, uint256 amount) external;

    /// @notice Withdraws `units` of excess collateral; coverage must stay at or above the requirement.
    /// @dev Requirements: account Active; units pledged; coverage after >= requirement. Emits {Released}.
    function release(address securedParty, address series, uint256 units) external;

    /// @notice Withdraws excess cash collateral; coverage must stay at or above the requirement.
    /// @dev Requirements: as {release}. Emits {CashReleased}.
    function releaseCash(address securedParty, uint256 amount) external;

    /// @notice Swaps pledged units of one series for units of another in one transaction.
    /// @dev Requirements: account Active or Called; `inSeries` eligible; coverage after >= requirement
    /// (or, below it, no lower than before). Emits {Substituted}.
    function substitute(
        address securedParty,
        address outSeries,
        uint256 outUnits,
        address inSeries,
        uint256 inUnits
    ) external;

    /// @notice The obligation ended: the caller (secured party) releases all of `pledgor`'s collateral.
    /// @dev Requirements: account Active or Called. Emits {Released}/{CashReleased} and {AccountClosed}.
    function releaseAll(address pledgor) external;

    /// @notice Calls for margin: coverage is below the requirement; top up by `deadline`.
    /// @dev Requirements: caller the secured party; account Active; coverage < requirement; deadline in
    /// the future. Emits {MarginCalled}.
    function marginCall(address pledgor, uint64 deadline) external;

    /// @notice Declares default after a missed deadline: the obligation is the requirement.
    /// @dev Requirements: caller the secured party; account Called; deadline passed; coverage still
    /// below the requirement. Emits {DefaultDeclared}.
    function declareDefault(address pledgor) external;

    /// @notice Takes pledged units in default: they move to the secured party (through compliance),
    /// their market value reduces the obligation.
    /// @dev Requirements: caller the secured party; Defaulted; a fresh price; value <= outstanding plus one
    /// face unit's value. Emits {CollateralTaken}.
    function enforceTake(address pledgor, address series, uint256 units) external;

    /// @notice Takes cash collateral in default, up to the obligation.
    /// @dev Emits {CashTaken}.
    function enforceCash(address pledgor, uint256 amount) external;

    /// @notice Lists pledged units for sale to `buyer` at `cashAmount` (DvP on {buy}).
    /// @dev Requirements: caller the secured party; Defaulted; units pledged. Emits {SaleListed}.
    function listSale(
        address pledgor,
        address series,
        uint256 units,
        address buyer,
        uint256 cashAmount,
        uint64 expiry
    ) external returns (uint256 saleId);

    /// @notice The buyer pays and receives the units atomically; the secured party keeps what covers the
    /// obligation, the surplus goes to the pledgor.
    /// @dev Requirements: caller the sale's buyer; not expired; account still Defaulted. Emits {CollateralSold}.
    function buy(uint256 saleId) external;

    /// @notice Ends a default: once the obligation is covered (or nothing is left), returns the remaining
    /// collateral to the pledgor and closes the account; an uncovered remainder is recorded as the loss.
    /// @dev Requirements: caller the secured party; Defaulted. Emits {AccountClosed}.
    function closeDefault(address pledgor) external;

    /// @notice Sets the paying agent whose redemption payments turn matured collateral into cash.
    /// @dev Requirements: caller the admin. Emits {PayingAgentSet}.
    function setPayingAgent(address payingAgent) external;

    /// @notice The account of (`pledgor`, `securedParty`), its id and its pledged series.
    function accountOf(
        address pledgor,
        address securedParty
    ) external view returns (bytes32 id, Account memory account, address[] memory series, uint256[] memory units);

    /// @notice Coverage of an account in yen: cash + Σ units × fresh price × haircut factor.
    function coverageOf(address pledgor, address securedParty) external view returns (uint256);

    /// @notice The haircut factor (basis points counted) the secured party applies to `series` now.
    function haircutOf(address securedParty, address series) external view returns (uint256);
}
