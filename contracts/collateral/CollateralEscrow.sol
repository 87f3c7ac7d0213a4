// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IBondToken} from "../bond/IBondToken.sol";
import {JstDate} from "../bond/lib/JstDate.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";
import {IPledgeAgent, ISecurityToken} from "../token/ISecurityToken.sol";
import {ICollateralEscrow} from "./ICollateralEscrow.sol";
import {IPriceFeed} from "./IPriceFeed.sol";

/// @title CollateralEscrow
/// @notice The collateral accounts of a market: bonds (and, where the secured party allows, yen cash
/// tokens) pledged by pledgors to secured parties, valued after haircuts, called, topped up, substituted,
/// released, turned into cash at maturity, enforced on default. Nothing is lost: every pledged unit is in
/// its pledgor's wallet, marked pledged on its series, until released, redeemed or enforced.
/// @dev The escrow is the pledge agent of every eligible series and a verified holder of the cash token.
/// Accounts are keyed by (pledgor identity, secured party); a pledgor's wallet recovery re-points them.
contract CollateralEscrow is ICollateralEscrow, IPledgeAgent, AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    /// @notice Most series in one account.
    uint256 public constant MAX_SERIES = 16;
    /// @notice Most accounts (secured parties) per pledgor wallet.
    uint256 public constant MAX_ACCOUNTS_PER_PLEDGOR = 8;
    /// @notice Number of haircut classes (JGB, JGBi, municipal, corporate).
    uint8 public constant HAIRCUT_CLASSES = 4;

    uint256 private constant PRICE_SCALE = 100 * 1e6; // price is yen per ¥100 face, 6 decimals
    uint256 private constant BPS = 10_000;
    /// @dev The reference table of {_referenceFactor}, one byte per factor (%), lowest byte first: JGB 99, 99,
    /// 98, 97, 96, 94; JGBi 95, 95, 94, 94, 94, 94; municipal 98, 98, 97, 96, 95, 93; corporate 97, 97, 96, 95,
    /// 94, 92.
    uint256 private constant REFERENCE_PERCENT =
        (99 | (99 << 8) | (98 << 16) | (97 << 24) | (96 << 32) | (94 << 40)) |
            ((95 | (95 << 8) | (94 << 16) | (94 << 24) | (94 << 32) | (94 << 40)) << 48) |
            ((98 | (98 << 8) | (97 << 16) | (96 << 24) | (95 << 32) | (93 << 40)) << 96) |
            ((97 | (97 << 8) | (96 << 16) | (95 << 24) | (94 << 32) | (92 << 40)) << 144);

    struct SeriesInfo {
        bool eligible;
        uint8 haircutClass;
        uint32 maturityDay;
    }

    ISecurityToken private immutable _cash;
    IIdentityRegistry private immutable _registry;
    IPriceFeed private immutable _prices;
    address private _payingAgent;

    mapping(address securedParty => Policy policy) private _policies;
    mapping(address securedParty => mapping(uint8 haircutClass => uint16[6] factors)) private _haircuts;
    mapping(address securedParty => mapping(address series => SeriesInfo)) private _eligible;
    mapping(bytes32 id => Account account) private _accounts;
    mapping(bytes32 id => address[] series) private _series;
    mapping(bytes32 id => mapping(address series => uint256 units)) private _units;
    mapping(address wallet => bytes32[] ids) private _accountsOfWallet;
    mapping(address wallet => mapping(address securedParty => bytes32 id)) private _accountIds;
    mapping(uint256 saleId => Sale sale) private _sales;
    uint256 private _nextSaleId;

    /// @param owner_ the admin (sets the paying agent).
    /// @param cash the yen cash token.
    /// @param registry the identity registry pledgors are registered in.
    /// @param prices the price feed.
    constructor(
        address owner_,
        address cash,
        address registry,
        address prices
    ) AccessControlDefaultAdminRules(0, owner_) {
        if (cash == address(0) || registry == address(0) || prices == address(0)) revert EscrowZeroAddress();
        _cash = ISecurityToken(cash);
        _registry = IIdentityRegistry(registry);
        _prices = IPriceFeed(prices);
    }

    // ================================================================== secured party: policy

    /// @inheritdoc ICollateralEscrow
    function setPolicy(uint32 maxPriceAge, bool cashAllowed) external {
        Policy storage policy = _policies[msg.sender];
        policy.set = true;
        policy.cashAllowed = cashAllowed;
        policy.maxPriceAge = maxPriceAge;
        emit PolicySet(msg.sender, maxPriceAge, cashAllowed);
    }

    /// @inheritdoc ICollateralEscrow
    function setHaircuts(uint8 haircutClass, uint16[6] calldata factors) external {
        _requirePolicy(msg.sender);
        if (haircutClass >= HAIRCUT_CLASSES) revert EscrowBadHaircuts(haircutClass);
        for (uint256 i = 0; i < 6; ++i) {
            if (factors[i] == 0 || factors[i] > BPS) revert EscrowBadHaircuts(haircutClass);
        }
        _haircuts[msg.sender][haircutClass] = factors;
        _policies[msg.sender].customHaircuts |= uint8(1 << haircutClass);
        emit HaircutsSet(msg.sender, haircutClass, factors);
    }

    /// @inheritdoc ICollateralEscrow
    function setEligible(address series, bool eligible) external {
        _requirePolicy(msg.sender);
        if (ISecurityToken(series).pledgeAgent() != address(this)) revert EscrowNotPledgeAgentOf(series);
        IBondToken bond = IBondToken(series);
        (, , uint32 maturity) = bond.scheduleDays();
        _eligible[msg.sender][series] = SeriesInfo({
            eligible: eligible,
            haircutClass: _classOf(bond.kind()),
            maturityDay: maturity
        });
        emit EligibilitySet(msg.sender, series, eligible);
    }

    /// @inheritdoc ICollateralEscrow
    function setRequirement(address pledgor, uint256 requirement) external {
        _requirePolicy(msg.sender);
        bytes32 id = _accountIds[pledgor][msg.sender];
        if (id == bytes32(0)) {
            address identity = address(_registry.identity(pledgor));
            if (identity == address(0)) revert EscrowPledgorNotRegistered(pledgor);
            bytes32[] storage ids = _accountsOfWallet[pledgor];
            if (ids.length >= MAX_ACCOUNTS_PER_PLEDGOR) revert EscrowTooManyAccounts(pledgor, MAX_ACCOUNTS_PER_PLEDGOR);
            id = keccak256(abi.encode(identity, msg.sender));
            // One account per identity: another wallet of it (e.g. one lost and recovered) cannot take it over.
            address holder = _accounts[id].pledgor;
            if (holder != address(0)) revert EscrowAccountHeldByOtherWallet(id, holder);
            ids.push(id);
            _accountIds[pledgor][msg.sender] = id;
            _accounts[id].pledgor = pledgor;
            _accounts[id].securedParty = msg.sender;
        }
        Account storage account = _accounts[id];
        Status status = account.status;
        if (status == Status.Defaulted) revert EscrowAccountStatus(id, status);
        if (status == Status.None || status == Status.Closed) account.status = Status.Active;
        account.requirement = SafeCast.toUint128(requirement);
        emit RequirementSet(id, pledgor, msg.sender, requirement);
        if (status == Status.Called) _endCallIfMet(id, account);
    }

    // ================================================================== pledgor

    /// @inheritdoc ICollateralEscrow
    function pledge(address securedParty, address series, uint256 units) external nonReentrant {
        (bytes32 id, Account storage account) = _pledgorAccount(securedParty);
        _requireOpen(id, account);
        if (!_registry.isVerified(msg.sender)) revert EscrowPledgorNotVerified(msg.sender);
        _pledgeUnits(id, securedParty, series, units);
        emit Pledged(id, series, units);
        _endCallIfMet(id, account);
    }

    /// @inheritdoc ICollateralEscrow
    function pledgeCash(address securedParty, uint256 amount) external nonReentrant {
        (bytes32 id, Account storage account) = _pledgorAccount(securedParty);
        _requireOpen(id, account);
        if (!_policies[securedParty].cashAllowed) revert EscrowCashNotAllowed(securedParty);
        if (amount == 0) revert EscrowZeroAmount();
        account.cash += uint128(amount);
        SafeERC20.safeTransferFrom(_cashToken(), msg.sender, address(this), amount);
        emit CashPledged(id, amount);
        _endCallIfMet(id, account);
    }

    /// @inheritdoc ICollateralEscrow
    function release(address securedParty, address series, uint256 units) external nonReentrant {
        (bytes32 id, Account storage account) = _pledgorAccount(securedParty);
        if (account.status != Status.Active) revert EscrowAccountStatus(id, account.status);
        _releaseUnits(id, series, units);
        uint256 coverage = _requireCovered(id, account);
        emit Released(id, series, units, coverage);
    }

    /// @inheritdoc ICollateralEscrow
    function releaseCash(address securedParty, uint256 amount) external nonReentrant {
        (bytes32 id, Account storage account) = _pledgorAccount(securedParty);
        if (account.status != Status.Active) revert EscrowAccountStatus(id, account.status);
        _takeCash(id, account, amount);
        uint256 coverage = _requireCovered(id, account);
        SafeERC20.safeTransfer(_cashToken(), msg.sender, amount);
        emit CashReleased(id, amount, coverage);
    }

    /// @inheritdoc ICollateralEscrow
    function substitute(
        address securedParty,
        address outSeries,
        uint256 outUnits,
        address inSeries,
        uint256 inUnits
    ) external nonReentrant {
        (bytes32 id, Account storage account) = _pledgorAccount(securedParty);
        _requireOpen(id, account);
        uint256 before = _coverage(id, account);
        _pledgeUnits(id, securedParty, inSeries, inUnits);
        _releaseUnits(id, outSeries, outUnits);
        uint256 coverage = _coverage(id, account);
        uint256 requirement = account.requirement;
        if (coverage < requirement && coverage < before) {
            revert EscrowCoverageBelowRequirement(id, coverage, requirement);
        }
        emit Substituted(id, outSeries, outUnits, inSeries, inUnits, coverage);
        _endCallIfMet(id, account);
    }

    // ================================================================== secured party: life of an account

    /// @inheritdoc ICollateralEscrow
    function releaseAll(address pledgor) external nonReentrant {
        (bytes32 id, Account storage account) = _securedAccount(pledgor);
        _requireOpen(id, account);
        uint256 returned = _returnEverything(id, account);
        account.requirement = 0;
        account.status = Status.Closed;
        emit AccountClosed(id, 0, returned);
    }

    /// @inheritdoc ICollateralEscrow
    function marginCall(address pledgor, uint64 deadline) external {
        (bytes32 id, Account storage account) = _securedAccount(pledgor);
        if (account.status != Status.Active) revert EscrowAccountStatus(id, account.status);
        uint256 coverage = _coverage(id, account);
        uint256 requirement = account.requirement;
        if (coverage >= requirement) revert EscrowNoShortfall(id, coverage, requirement);
        if (deadline <= block.timestamp) revert EscrowBadDeadline(deadline, block.timestamp);
        account.status = Status.Called;
        account.callDeadline = deadline;
        emit MarginCalled(id, coverage, requirement, deadline);
    }

    /// @inheritdoc ICollateralEscrow
    function declareDefault(address pledgor) external {
        (bytes32 id, Account storage account) = _securedAccount(pledgor);
        if (account.status != Status.Called) revert EscrowAccountStatus(id, account.status);
        if (block.timestamp <= account.callDeadline) {
            revert EscrowDeadlineNotPassed(id, account.callDeadline, block.timestamp);
        }
        uint256 coverage = _coverage(id, account);
        uint256 requirement = account.requirement;
        if (coverage >= requirement) revert EscrowCallMet(id, coverage, requirement);
        account.status = Status.Defaulted;
        account.outstanding = uint128(requirement);
        emit DefaultDeclared(id, coverage, requirement);
    }

    /// @inheritdoc ICollateralEscrow
    function enforceTake(address pledgor, address series, uint256 units) external nonReentrant {
        (bytes32 id, Account storage account) = _defaultedAccount(pledgor);
        uint256 price = _freshPrice(series);
        uint256 value = Math.mulDiv(units, price, PRICE_SCALE);
        uint256 outstanding = account.outstanding;
        uint256 unitValue = Math.mulDiv(IBondToken(series).denomination(), price, PRICE_SCALE);
        if (value > outstanding + unitValue) revert EscrowTakeExceedsObligation(id, value, outstanding);
        _debitUnits(id, series, units);
        outstanding -= Math.min(value, outstanding);
        account.outstanding = uint128(outstanding);
        ISecurityToken(series).enforcePledge(account.pledgor, msg.sender, units);
        emit CollateralTaken(id, series, units, value, outstanding);
    }

    /// @inheritdoc ICollateralEscrow
    function enforceCash(address pledgor, uint256 amount) external nonReentrant {
        (bytes32 id, Account storage account) = _defaultedAccount(pledgor);
        uint256 outstanding = account.outstanding;
        if (amount > outstanding) revert EscrowTakeExceedsObligation(id, amount, outstanding);
        _takeCash(id, account, amount);
        outstanding -= amount;
        account.outstanding = uint128(outstanding);
        SafeERC20.safeTransfer(_cashToken(), msg.sender, amount);
        emit CashTaken(id, amount, outstanding);
    }

    /// @inheritdoc ICollateralEscrow
    function listSale(
        address pledgor,
        address series,
        uint256 units,
        address buyer,
        uint256 cashAmount,
        uint64 expiry
    ) external returns (uint256 saleId) {
        (bytes32 id, ) = _defaultedAccount(pledgor);
        _checkedUnits(id, series, units);
        if (buyer == address(0)) revert EscrowZeroAddress();
        if (cashAmount == 0) revert EscrowZeroAmount();
        if (expiry <= block.timestamp) revert EscrowBadDeadline(expiry, block.timestamp);
        saleId = ++_nextSaleId;
        _sales[saleId] = Sale({
            account: id,
            series: series,
            units: uint128(units),
            cashAmount: uint128(cashAmount),
            buyer: buyer,
            expiry: expiry
        });
        emit SaleListed(saleId, id, series, units, buyer, cashAmount);
    }

    /// @inheritdoc ICollateralEscrow
    function buy(uint256 saleId) external nonReentrant {
        Sale memory sale = _sales[saleId];
        if (sale.buyer == address(0)) revert EscrowUnknownSale(saleId);
        if (msg.sender != sale.buyer) revert EscrowNotBuyer(saleId, msg.sender);
        if (block.timestamp > sale.expiry) revert EscrowSaleExpired(saleId, sale.expiry);
        delete _sales[saleId];
        Account storage account = _accounts[sale.account];
        if (account.status != Status.Defaulted) revert EscrowAccountStatus(sale.account, account.status);
        _debitUnits(sale.account, sale.series, sale.units);

        uint256 outstanding = account.outstanding;
        uint256 toSecuredParty = Math.min(uint256(sale.cashAmount), outstanding);
        uint256 surplus = sale.cashAmount - toSecuredParty;
        outstanding -= toSecuredParty;
        account.outstanding = uint128(outstanding);

        SafeERC20.safeTransferFrom(_cashToken(), msg.sender, address(this), sale.cashAmount);
        ISecurityToken(sale.series).enforcePledge(account.pledgor, msg.sender, sale.units);
        if (toSecuredParty != 0) SafeERC20.safeTransfer(_cashToken(), account.securedParty, toSecuredParty);
        if (surplus != 0) SafeERC20.safeTransfer(_cashToken(), account.pledgor, surplus);
        emit CollateralSold(saleId, sale.account, sale.units, sale.cashAmount, toSecuredParty, surplus, outstanding);
    }

    /// @inheritdoc ICollateralEscrow
    function closeDefault(address pledgor) external nonReentrant {
        (bytes32 id, Account storage account) = _defaultedAccount(pledgor);
        uint256 outstanding = account.outstanding;
        if (outstanding != 0 && (account.cash != 0 || _series[id].length != 0)) {
            revert EscrowObligationOutstanding(id, outstanding);
        }
        uint256 returned = _returnEverything(id, account);
        account.outstanding = 0;
        account.requirement = 0;
        account.status = Status.Closed;
        emit AccountClosed(id, outstanding, returned);
    }

    /// @inheritdoc ICollateralEscrow
    function setPayingAgent(address payingAgent) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (payingAgent == address(0)) revert EscrowZeroAddress();
        _payingAgent = payingAgent;
        emit PayingAgentSet(payingAgent);
    }

    // ================================================================== series callbacks

    /// @inheritdoc IPledgeAgent
    function onPledgorRecovered(address lostWallet, address newWallet, uint256) external {
        bytes32[] storage ids = _accountsOfWallet[lostWallet];
        bytes32[] storage moved = _accountsOfWallet[newWallet];
        // Only a series with units pledged here by this pledgor can re-point its accounts. The accounts may
        // already be the new wallet's: the recovery of another pledged series re-pointed them first.
        if (!_holdsSeries(ids, msg.sender) && !_holdsSeries(moved, msg.sender)) {
            revert EscrowUnknownPledge(msg.sender, lostWallet);
        }
        if (moved.length + ids.length > MAX_ACCOUNTS_PER_PLEDGOR) {
            revert EscrowTooManyAccounts(newWallet, MAX_ACCOUNTS_PER_PLEDGOR);
        }
        for (uint256 i = 0; i < ids.length; ++i) {
            bytes32 id = ids[i];
            Account storage account = _accounts[id];
            account.pledgor = newWallet;
            _accountIds[newWallet][account.securedParty] = id;
            delete _accountIds[lostWallet][account.securedParty];
            moved.push(id);
            emit PledgorWalletChanged(id, lostWallet, newWallet);
        }
        delete _accountsOfWallet[lostWallet];
    }

    /// @inheritdoc IPledgeAgent
    function onPledgeRedeemed(address series, address pledgor, uint256 units, uint256 cash) external {
        if (msg.sender != _payingAgent) revert EscrowCallerNotPayingAgent(msg.sender);
        bytes32[] storage ids = _accountsOfWallet[pledgor];
        uint256 unitsLeft = units;
        uint256 cashLeft = cash;
        for (uint256 i = 0; i < ids.length && unitsLeft != 0; ++i) {
            bytes32 id = ids[i];
            uint256 held = _units[id][series];
            if (held == 0) continue;
            // The last account takes the rounding remainder, so the cash credited is exactly `cash`.
            uint256 share = held == unitsLeft ? cashLeft : Math.mulDiv(cashLeft, held, unitsLeft);
            unitsLeft -= held;
            cashLeft -= share;
            _removeSeries(id, series);
            _accounts[id].cash += uint128(share);
            emit CollateralMatured(id, series, held, share);
        }
        if (unitsLeft != 0) revert EscrowUnknownPledge(series, pledgor);
    }

    // ================================================================== views

    /// @inheritdoc ICollateralEscrow
    function accountOf(
        address pledgor,
        address securedParty
    ) external view returns (bytes32 id, Account memory account, address[] memory series, uint256[] memory units) {
        id = _accountIds[pledgor][securedParty];
        account = _accounts[id];
        series = _series[id];
        units = new uint256[](series.length);
        for (uint256 i = 0; i < series.length; ++i) {
            units[i] = _units[id][series[i]];
        }
    }

    /// @inheritdoc ICollateralEscrow
    function coverageOf(address pledgor, address securedParty) external view returns (uint256) {
        bytes32 id = _accountIds[pledgor][securedParty];
        return _coverage(id, _accounts[id]);
    }

    /// @inheritdoc ICollateralEscrow
    function haircutOf(address securedParty, address series) public view returns (uint256) {
        SeriesInfo memory info = _eligible[securedParty][series];
        if (!info.eligible) return 0;
        uint32 today = JstDate.dayOf(block.timestamp);
        if (today >= info.maturityDay) return 0;
        uint256 bucket = _bucket(today, info.maturityDay);
        // Custom factors are read only for a class the secured party replaced (its policy slot is warm).
        if (_policies[securedParty].customHaircuts & (1 << info.haircutClass) == 0) {
            return _referenceFactor(info.haircutClass, bucket);
        }
        return _haircuts[securedParty][info.haircutClass][bucket];
    }

    /// @notice The escrow's cash token, identity registry, price feed and paying agent.
    function wiring() external view returns (address cash, address registry, address prices, address payingAgent) {
        return (address(_cash), address(_registry), address(_prices), _payingAgent);
    }

    // ================================================================== internals

    /// @dev The BoJ reference table (eligible collateral values, % of market value counted), by class and
    /// residual-maturity bucket (≤1y, 1–5y, 5–10y, 10–20y, 20–30y, >30y), from shared/DOMAIN.md: JGBs and
    /// T-bills 99 (≤5y), 98, 97, 96, 94; JGBi 95, 95, 94; municipal 98, 98, 97, 96, 95, 93; corporate
    /// 97, 97, 96, 95, 94, 92. Where a class lists fewer buckets, the last listed applies to longer ones.
    function _referenceFactor(uint8 haircutClass, uint256 bucket) private pure returns (uint256) {
        // One byte per (class, bucket), in whole percent: byte 6 * class + bucket.
        return ((REFERENCE_PERCENT >> (8 * (6 * uint256(haircutClass) + bucket))) & 0xff) * 100;
    }

    /// @dev The residual-maturity bucket (≤1, 1–5, 5–10, 10–20, 20–30, >30 years) of a series maturing on
    /// `maturityDay`, seen from `today`.
    function _bucket(uint32 today, uint32 maturityDay) private pure returns (uint256 bucket) {
        // Residual maturity in whole calendar years, rounded up: the least n with maturity <= today + n years
        // (a new 5-year bond is "<= 5y" whatever the leap days in between; 29 February + n years is 28
        // February in a common year).
        (uint256 year, uint256 month, uint256 dayOfMonth) = JstDate.toCivil(today);
        (uint256 maturityYear, uint256 maturityMonth, uint256 maturityDayOfMonth) = JstDate.toCivil(maturityDay);
        uint256 residualYears = maturityYear - year;
        if (month == 2 && dayOfMonth == 29 && !JstDate.isLeapYear(maturityYear)) dayOfMonth = 28;
        if (residualYears == 0 || maturityMonth > month || (maturityMonth == month && maturityDayOfMonth > dayOfMonth))
            ++residualYears;
        if (residualYears <= 1) bucket = 0;
        else if (residualYears <= 5) bucket = 1;
        else if (residualYears <= 10) bucket = 2;
        else if (residualYears <= 20) bucket = 3;
        else if (residualYears <= 30) bucket = 4;
        else bucket = 5;
    }

    function _classOf(IBondToken.BondKind kind) private pure returns (uint8) {
        if (kind == IBondToken.BondKind.InflationIndexedJgb) return 1;
        if (kind >= IBondToken.BondKind.MunicipalPublic) return 2;
        return 0;
    }

    function _coverage(bytes32 id, Account storage account) private view returns (uint256 coverage) {
        coverage = _policies[account.securedParty].cashAllowed ? account.cash : 0;
        address securedParty = account.securedParty;
        uint32 maxAge = _policies[securedParty].maxPriceAge;
        address[] storage series = _series[id];
        for (uint256 i = 0; i < series.length; ++i) {
            address s = series[i];
            (uint256 price, uint64 observedAt) = _prices.priceOf(s);
            // A stale (or missing) price values the series at zero for coverage.
            if (observedAt == 0 || block.timestamp > uint256(observedAt) + maxAge) continue;
            uint256 factor = haircutOf(securedParty, s);
            coverage += Math.mulDiv(_units[id][s] * price, factor, PRICE_SCALE * BPS);
        }
    }

    function _requireCovered(bytes32 id, Account storage account) private view returns (uint256 coverage) {
        coverage = _coverage(id, account);
        if (coverage < account.requirement) revert EscrowCoverageBelowRequirement(id, coverage, account.requirement);
    }

    function _endCallIfMet(bytes32 id, Account storage account) private {
        if (account.status != Status.Called) return;
        uint256 coverage = _coverage(id, account);
        if (coverage < account.requirement) return;
        account.status = Status.Active;
        account.callDeadline = 0;
        emit MarginCallMet(id, coverage, account.requirement);
    }

    function _pledgeUnits(bytes32 id, address securedParty, address series, uint256 units) private {
        if (units == 0) revert EscrowZeroAmount();
        if (!_eligible[securedParty][series].eligible) revert EscrowIneligibleSeries(securedParty, series);
        uint256 held = _units[id][series];
        if (held == 0) {
            address[] storage list = _series[id];
            if (list.length >= MAX_SERIES) revert EscrowTooManySeries(id, MAX_SERIES);
            list.push(series);
        }
        _units[id][series] = held + units;
        ISecurityToken(series).pledge(msg.sender, units);
    }

    function _releaseUnits(bytes32 id, address series, uint256 units) private {
        _debitUnits(id, series, units);
        ISecurityToken(series).releasePledge(_accounts[id].pledgor, units);
    }

    /// @dev Whether one of the accounts `ids` (at most MAX_ACCOUNTS_PER_PLEDGOR) holds units of `series`.
    function _holdsSeries(bytes32[] storage ids, address series) private view returns (bool) {
        for (uint256 i = 0; i < ids.length; ++i) {
            if (_units[ids[i]][series] != 0) return true;
        }
        return false;
    }

    function _checkedUnits(bytes32 id, address series, uint256 units) private view returns (uint256 held) {
        if (units == 0) revert EscrowZeroAmount();
        held = _units[id][series];
        if (units > held) revert EscrowExceedsPledged(id, series, held, units);
    }

    /// @dev Takes `units` off the account's record of `series` (the series leaves the list at zero).
    function _debitUnits(bytes32 id, address series, uint256 units) private {
        uint256 held = _checkedUnits(id, series, units);
        if (held == units) _removeSeries(id, series);
        else _units[id][series] = held - units;
    }

    function _removeSeries(bytes32 id, address series) private {
        delete _units[id][series];
        address[] storage list = _series[id];
        for (uint256 i = 0; i < list.length; ++i) {
            if (list[i] == series) {
                list[i] = list[list.length - 1];
                list.pop();
                return;
            }
        }
    }

    function _takeCash(bytes32 id, Account storage account, uint256 amount) private {
        if (amount == 0) revert EscrowZeroAmount();
        uint256 cash = account.cash;
        if (amount > cash) revert EscrowExceedsCash(id, cash, amount);
        account.cash = uint128(cash - amount);
    }

    function _returnEverything(bytes32 id, Account storage account) private returns (uint256 returnedCash) {
        address pledgor = account.pledgor;
        address[] storage list = _series[id];
        while (list.length != 0) {
            address series = list[list.length - 1];
            uint256 units = _units[id][series];
            delete _units[id][series];
            list.pop();
            ISecurityToken(series).releasePledge(pledgor, units);
            emit Released(id, series, units, 0);
        }
        returnedCash = account.cash;
        if (returnedCash != 0) {
            account.cash = 0;
            SafeERC20.safeTransfer(_cashToken(), pledgor, returnedCash);
            emit CashReleased(id, returnedCash, 0);
        }
    }

    function _freshPrice(address series) private view returns (uint256) {
        (uint256 price, uint64 observedAt) = _prices.priceOf(series);
        // Enforcement values at market with the strictest age any policy may set: one day.
        if (observedAt == 0 || block.timestamp > uint256(observedAt) + 1 days) {
            revert EscrowStalePrice(series, observedAt, block.timestamp);
        }
        return price;
    }

    function _pledgorAccount(address securedParty) private view returns (bytes32 id, Account storage account) {
        id = _accountIds[msg.sender][securedParty];
        if (id == bytes32(0)) revert EscrowUnknownAccount(msg.sender, securedParty);
        account = _accounts[id];
    }

    function _securedAccount(address pledgor) private view returns (bytes32 id, Account storage account) {
        id = _accountIds[pledgor][msg.sender];
        if (id == bytes32(0)) revert EscrowUnknownAccount(pledgor, msg.sender);
        account = _accounts[id];
    }

    function _defaultedAccount(address pledgor) private view returns (bytes32 id, Account storage account) {
        (id, account) = _securedAccount(pledgor);
        if (account.status != Status.Defaulted) revert EscrowAccountStatus(id, account.status);
    }

    function _requireOpen(bytes32 id, Account storage account) private view {
        Status status = account.status;
        if (status != Status.Active && status != Status.Called) revert EscrowAccountStatus(id, status);
    }

    function _requirePolicy(address securedParty) private view {
        if (!_policies[securedParty].set) revert EscrowNoPolicy(securedParty);
    }

    function _cashToken() private view returns (IERC20) {
        return IERC20(address(_cash));
    }
}
