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
    /// @param customHaircuts bit c set once the secured party replaced the factors of haircut class c.
    struct Policy {
        bool set;
        bool cashAllowed;
        uint32 maxPriceAge;
        uint8 customHaircuts;
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

    /// @notice A secured party set its policy.
    event PolicySet(address indexed securedParty, uint32 maxPriceAge, bool cashAllowed);
    /// @notice A secured party replaced its haircut factors for a class.
    event HaircutsSet(address indexed securedParty, uint8 indexed haircutClass, uint16[6] factors);
    /// @notice A secured party made a series eligible (or not).
    event EligibilitySet(address indexed securedParty, address indexed series, bool eligible);
    /// @notice The margin requirement of an account was set (opening it if new).
    event RequirementSet(
        bytes32 indexed account,
        address indexed pledgor,
        address indexed securedParty,
        uint256 requirement
    );
    /// @notice Units were pledged into an account.
    event Pledged(bytes32 indexed account, address indexed series, uint256 units);
    /// @notice Cash was pledged into an account.
    event CashPledged(bytes32 indexed account, uint256 amount);
    /// @notice Pledged units were released to the pledgor (`coverage` after; 0 when the account closes).
    event Released(bytes32 indexed account, address indexed series, uint256 units, uint256 coverage);
    /// @notice Cash collateral was returned to the pledgor (`coverage` after; 0 when the account closes).
    event CashReleased(bytes32 indexed account, uint256 amount, uint256 coverage);
    /// @notice Pledged units of one series were swapped for another in one transaction.
    event Substituted(
        bytes32 indexed account,
        address indexed outSeries,
        uint256 outUnits,
        address indexed inSeries,
        uint256 inUnits,
        uint256 coverage
    );
    /// @notice The secured party called for margin: coverage below requirement, top up by `deadline`.
    event MarginCalled(bytes32 indexed account, uint256 coverage, uint256 requirement, uint64 deadline);
    /// @notice Coverage is back at or above the requirement: the call is over.
    event MarginCallMet(bytes32 indexed account, uint256 coverage, uint256 requirement);
    /// @notice The deadline passed with coverage short: default, with the requirement as the obligation.
    event DefaultDeclared(bytes32 indexed account, uint256 coverage, uint256 obligation);
    /// @notice In default, the secured party took units; their market value reduced the obligation.
    event CollateralTaken(
        bytes32 indexed account,
        address indexed series,
        uint256 units,
        uint256 value,
        uint256 outstanding
    );
    /// @notice In default, the secured party took cash collateral.
    event CashTaken(bytes32 indexed account, uint256 amount, uint256 outstanding);
    /// @notice In default, pledged units were offered to a buyer for cash (DvP on purchase).
    event SaleListed(
        uint256 indexed saleId,
        bytes32 indexed account,
        address series,
        uint256 units,
        address buyer,
        uint256 cashAmount
    );
    /// @notice Pledged units were sold by DvP: the obligation was paid first, the surplus went to the pledgor.
    event CollateralSold(
        uint256 indexed saleId,
        bytes32 indexed account,
        uint256 units,
        uint256 cashAmount,
        uint256 toSecuredParty,
        uint256 surplusToPledgor,
        uint256 outstanding
    );
    /// @notice An account closed: collateral returned, any uncovered obligation recorded as the loss.
    event AccountClosed(bytes32 indexed account, uint256 outstandingLoss, uint256 returnedCash);
    /// @notice Pledged units matured: their principal is now cash collateral in the account.
    event CollateralMatured(bytes32 indexed account, address indexed series, uint256 units, uint256 cash);
    /// @notice A recovery moved the pledgor's account to its new wallet.
    event PledgorWalletChanged(bytes32 indexed account, address indexed lostWallet, address indexed newWallet);
    /// @notice The paying agent whose redemptions feed matured collateral was set.
    event PayingAgentSet(address indexed payingAgent);

    /// @notice A zero address was given.
    error EscrowZeroAddress();
    /// @notice The secured party has set no policy.
    error EscrowNoPolicy(address securedParty);
    /// @notice A haircut class out of range, or a factor outside 1..10,000.
    error EscrowBadHaircuts(uint8 haircutClass);
    /// @notice This escrow is not the pledge agent of the series.
    error EscrowNotPledgeAgentOf(address series);
    /// @notice The pledgor has no identity in the registry.
    error EscrowPledgorNotRegistered(address pledgor);
    /// @notice The pledgor is not verified (e.g. its KYC claim was revoked).
    error EscrowPledgorNotVerified(address pledgor);
    /// @notice No account for this (pledgor, secured party).
    error EscrowUnknownAccount(address pledgor, address securedParty);
    /// @notice The account (keyed by identity) is held by another wallet of the same investor.
    error EscrowAccountHeldByOtherWallet(bytes32 account, address wallet);
    /// @notice The account's status does not allow this.
    error EscrowAccountStatus(bytes32 account, Status status);
    /// @notice The series is not eligible with this secured party.
    error EscrowIneligibleSeries(address securedParty, address series);
    /// @notice A zero amount.
    error EscrowZeroAmount();
    /// @notice More units than the account holds of the series.
    error EscrowExceedsPledged(bytes32 account, address series, uint256 pledged, uint256 requested);
    /// @notice More cash than the account holds.
    error EscrowExceedsCash(bytes32 account, uint256 cash, uint256 requested);
    /// @notice The secured party's policy does not count cash.
    error EscrowCashNotAllowed(address securedParty);
    /// @notice Coverage after the operation would be below the requirement.
    error EscrowCoverageBelowRequirement(bytes32 account, uint256 coverage, uint256 requirement);
    /// @notice No margin call without a shortfall.
    error EscrowNoShortfall(bytes32 account, uint256 coverage, uint256 requirement);
    /// @notice A deadline or expiry not in the future.
    error EscrowBadDeadline(uint64 deadline, uint256 nowTime);
    /// @notice Default only after the deadline.
    error EscrowDeadlineNotPassed(bytes32 account, uint64 deadline, uint256 nowTime);
    /// @notice Coverage meets the requirement: no default.
    error EscrowCallMet(bytes32 account, uint256 coverage, uint256 requirement);
    /// @notice Enforcement needs a price at most one day old.
    error EscrowStalePrice(address series, uint64 observedAt, uint256 nowTime);
    /// @notice Taking more than the outstanding obligation (plus one face unit).
    error EscrowTakeExceedsObligation(bytes32 account, uint256 value, uint256 outstanding);
    /// @notice The obligation is outstanding and collateral remains.
    error EscrowObligationOutstanding(bytes32 account, uint256 outstanding);
    /// @notice No such sale.
    error EscrowUnknownSale(uint256 saleId);
    /// @notice Only the sale's buyer may buy.
    error EscrowNotBuyer(uint256 saleId, address caller);
    /// @notice The sale expired.
    error EscrowSaleExpired(uint256 saleId, uint64 expiry);
    /// @notice An account holds at most MAX_SERIES series.
    error EscrowTooManySeries(bytes32 account, uint256 max);
    /// @notice A pledgor has at most MAX_ACCOUNTS_PER_PLEDGOR accounts.
    error EscrowTooManyAccounts(address pledgor, uint256 max);
    /// @notice Only the paying agent reports redemptions.
    error EscrowCallerNotPayingAgent(address caller);
    /// @notice Nothing pledged here by that wallet in that series.
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
    /// @dev Requirements: a policy; pledgor registered; account not in default; the identity's account with
    /// the caller, if any, held by this wallet. Emits {RequirementSet}.
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
