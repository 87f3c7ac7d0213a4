// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRulesUpgradeable} from "@openzeppelin/contracts-upgradeable/access/extensions/AccessControlDefaultAdminRulesUpgradeable.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Roles} from "../access/Roles.sol";
import {IComplianceHooksListener, IModularCompliance} from "./IModularCompliance.sol";
import {IComplianceModule, ModuleHooks, TransferContext} from "./modules/IComplianceModule.sol";

/// @title ModularCompliance
/// @notice The transfer rules of one token series. Deployed behind a beacon proxy per series.
/// @dev Each module sits in one slot with the hook mask it declared, so a transfer only calls the
/// modules that check or record transfers, and a token with no modules pays for one SLOAD.
contract ModularCompliance is IModularCompliance, AccessControlDefaultAdminRulesUpgradeable {
    /// @notice Most modules per compliance (bounds every transfer's loop).
    uint256 public constant MAX_MODULES = 25;

    struct ModuleSlot {
        address module;
        uint8 hooks;
    }

    /// @custom:storage-location erc7201:kosai.storage.ModularCompliance
    struct ComplianceStorage {
        address token;
        uint8 moduleCount;
        ModuleSlot[MAX_MODULES] modules;
    }

    // keccak256(abi.encode(uint256(keccak256("kosai.storage.ModularCompliance")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0x8b82982460a429bb0fd0e93421be58a2d107ab5fcdc03eefaeb0d76c6e563700;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes a compliance proxy, installing and configuring its modules.
    /// @param owner_ the compliance's owner.
    /// @param agents accounts granted COMPLIANCE_AGENT.
    /// @param setup modules to add, in order, each with the configuration calls to make on it.
    function initialize(address owner_, address[] calldata agents, ModuleSetup[] calldata setup) external initializer {
        __AccessControlDefaultAdminRules_init(0, owner_);
        for (uint256 i = 0; i < agents.length; ++i) {
            _grantRole(Roles.COMPLIANCE_AGENT, agents[i]);
        }
        for (uint256 i = 0; i < setup.length; ++i) {
            _addModule(setup[i].module);
            for (uint256 j = 0; j < setup[i].calls.length; ++j) {
                _callModule(setup[i].module, setup[i].calls[j]);
            }
        }
    }

    modifier onlyToken() {
        if (msg.sender != _s().token) revert ComplianceCallerNotToken(msg.sender);
        _;
    }

    modifier onlyConfigurator() {
        if (!hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) _checkRole(Roles.COMPLIANCE_AGENT);
        _;
    }

    /// @inheritdoc IModularCompliance
    function bindToken(address token) external {
        ComplianceStorage storage $ = _s();
        if (!hasRole(DEFAULT_ADMIN_ROLE, msg.sender) && !(msg.sender == token && $.token == address(0))) {
            revert ComplianceUnauthorizedBinding(msg.sender);
        }
        if (token == address(0)) revert ComplianceZeroAddress();
        if ($.token != address(0)) revert ComplianceTokenAlreadyBound($.token);
        $.token = token;
        emit TokenBound(token);
    }

    /// @inheritdoc IModularCompliance
    function unbindToken(address token) external {
        ComplianceStorage storage $ = _s();
        if (!hasRole(DEFAULT_ADMIN_ROLE, msg.sender) && msg.sender != token) {
            revert ComplianceUnauthorizedBinding(msg.sender);
        }
        if (token == address(0) || token != $.token) revert ComplianceTokenNotBound(token);
        $.token = address(0);
        emit TokenUnbound(token);
    }

    /// @inheritdoc IModularCompliance
    function addModule(address module) external onlyConfigurator {
        _addModule(module);
    }

    function _addModule(address module) private {
        ComplianceStorage storage $ = _s();
        if (module == address(0)) revert ComplianceZeroAddress();
        uint256 count = $.moduleCount;
        if (count >= MAX_MODULES) revert ComplianceModulesLimitReached(MAX_MODULES);
        if (_indexOf($, module) != type(uint256).max) revert ComplianceModuleAlreadyBound(module);
        IComplianceModule m = IComplianceModule(module);
        if (!m.isPlugAndPlay() && !m.canComplianceBind(address(this))) revert ComplianceModuleCannotBind(module);
        m.bindCompliance(address(this));
        $.modules[count] = ModuleSlot(module, m.hooks());
        $.moduleCount = uint8(count + 1);
        emit ModuleAdded(module);
        _pushHookMask($);
    }

    /// @inheritdoc IModularCompliance
    function removeModule(address module) external onlyConfigurator {
        ComplianceStorage storage $ = _s();
        uint256 index = _indexOf($, module);
        if (index == type(uint256).max) revert ComplianceModuleNotBound(module);
        uint256 last = $.moduleCount - 1;
        $.modules[index] = $.modules[last];
        delete $.modules[last];
        $.moduleCount = uint8(last);
        IComplianceModule(module).unbindCompliance(address(this));
        emit ModuleRemoved(module);
        _pushHookMask($);
    }

    /// @inheritdoc IModularCompliance
    function callModuleFunction(bytes calldata callData, address module) external onlyConfigurator {
        _callModule(module, callData);
    }

    function _callModule(address module, bytes calldata callData) private {
        if (_indexOf(_s(), module) == type(uint256).max) revert ComplianceModuleNotBound(module);
        bytes4 selector = bytes4(callData);
        // Binding is the compliance's own business: forwarding it would desynchronise module and compliance.
        if (
            selector == IComplianceModule.bindCompliance.selector ||
            selector == IComplianceModule.unbindCompliance.selector
        ) revert ComplianceModuleCallForbidden(module, selector);
        // A raw call so that the module's own custom error reaches the caller unchanged.
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory returndata) = module.call(callData);
        if (!success) {
            if (returndata.length == 0) revert ComplianceModuleCallFailed(module, selector);
            Address.verifyCallResult(false, returndata);
        }
        emit ModuleInteraction(module, selector);
    }

    /// @inheritdoc IModularCompliance
    function transferred(address from, address to, uint256 amount) external onlyToken {
        _notify(
            ModuleHooks.ACTION_TRANSFER,
            abi.encodeCall(IComplianceModule.moduleTransferAction, (from, to, amount))
        );
    }

    /// @inheritdoc IModularCompliance
    function created(address to, uint256 amount) external onlyToken {
        _notify(ModuleHooks.ACTION_MINT, abi.encodeCall(IComplianceModule.moduleMintAction, (to, amount)));
    }

    /// @inheritdoc IModularCompliance
    function destroyed(address from, uint256 amount) external onlyToken {
        _notify(ModuleHooks.ACTION_BURN, abi.encodeCall(IComplianceModule.moduleBurnAction, (from, amount)));
    }

    /// @inheritdoc IModularCompliance
    function checkAndRecordWithContext(
        address from,
        address to,
        uint256 amount,
        bool check,
        TransferContext calldata before
    ) external onlyToken returns (address refusingModule) {
        if (check) {
            refusingModule = _refusingModuleWithContext(from, to, amount, before);
            if (refusingModule != address(0)) return refusingModule;
        }
        ComplianceStorage storage $ = _s();
        uint256 count = $.moduleCount;
        uint8 hook =
            from == address(0)
                ? ModuleHooks.ACTION_MINT
                : (to == address(0) ? ModuleHooks.ACTION_BURN : ModuleHooks.ACTION_TRANSFER);
        bytes memory callData;
        for (uint256 i = 0; i < count; ++i) {
            ModuleSlot memory slot = $.modules[i];
            if (slot.hooks & hook == 0) continue;
            if (callData.length == 0) {
                callData = abi.encodeCall(
                    IComplianceModule.moduleActionWithContext,
                    (from, to, amount, _after(from, to, amount, before))
                );
            }
            Address.functionCall(slot.module, callData);
        }
    }

    /// @inheritdoc IModularCompliance
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        return _refusingModule(from, to, amount) == address(0);
    }

    /// @inheritdoc IModularCompliance
    function checkTransfer(address from, address to, uint256 amount) external view returns (address) {
        return _refusingModule(from, to, amount);
    }

    /// @inheritdoc IModularCompliance
    function checkTransferWithContext(
        address from,
        address to,
        uint256 amount,
        TransferContext calldata context
    ) external view returns (address) {
        return _refusingModuleWithContext(from, to, amount, context);
    }

    /// @inheritdoc IModularCompliance
    function hookMask() external view returns (uint8) {
        return _hookMask(_s());
    }

    /// @inheritdoc IModularCompliance
    function getModules() external view returns (address[] memory modules) {
        ComplianceStorage storage $ = _s();
        uint256 count = $.moduleCount;
        modules = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            modules[i] = $.modules[i].module;
        }
    }

    /// @inheritdoc IModularCompliance
    function getTokenBound() external view returns (address) {
        return _s().token;
    }

    /// @inheritdoc IModularCompliance
    function isModuleBound(address module) external view returns (bool) {
        return _indexOf(_s(), module) != type(uint256).max;
    }

    function _refusingModuleWithContext(
        address from,
        address to,
        uint256 amount,
        TransferContext calldata context
    ) private view returns (address) {
        ComplianceStorage storage $ = _s();
        uint256 count = $.moduleCount;
        uint8 hook = from == address(0) ? ModuleHooks.CHECK_MINT : ModuleHooks.CHECK_TRANSFER;
        for (uint256 i = 0; i < count; ++i) {
            ModuleSlot memory slot = $.modules[i];
            if (slot.hooks & hook == 0) continue;
            if (!IComplianceModule(slot.module).moduleCheckWithContext(from, to, amount, address(this), context)) {
                return slot.module;
            }
        }
        return address(0);
    }

    function _refusingModule(address from, address to, uint256 amount) private view returns (address) {
        ComplianceStorage storage $ = _s();
        uint256 count = $.moduleCount;
        uint8 hook = from == address(0) ? ModuleHooks.CHECK_MINT : ModuleHooks.CHECK_TRANSFER;
        for (uint256 i = 0; i < count; ++i) {
            ModuleSlot memory slot = $.modules[i];
            if (slot.hooks & hook == 0) continue;
            if (!IComplianceModule(slot.module).moduleCheck(from, to, amount, address(this))) return slot.module;
        }
        return address(0);
    }

    /// @dev The context after the change, from the context before it: balances move by `amount` (a move
    /// to oneself leaves them alone), and for a mint or burn so does the supply.
    function _after(
        address from,
        address to,
        uint256 amount,
        TransferContext calldata before
    ) private pure returns (TransferContext memory next) {
        next = before;
        if (from == to) return next;
        if (from == address(0)) next.totalSupply += amount;
        else next.fromBalance -= amount;
        if (to == address(0)) next.totalSupply -= amount;
        else next.toBalance += amount;
    }

    function _notify(uint8 hook, bytes memory callData) private {
        ComplianceStorage storage $ = _s();
        uint256 count = $.moduleCount;
        for (uint256 i = 0; i < count; ++i) {
            ModuleSlot memory slot = $.modules[i];
            if (slot.hooks & hook == 0) continue;
            Address.functionCall(slot.module, callData);
        }
    }

    function _hookMask(ComplianceStorage storage $) private view returns (uint8 mask) {
        uint256 count = $.moduleCount;
        for (uint256 i = 0; i < count; ++i) {
            mask |= $.modules[i].hooks;
        }
    }

    /// @dev Tells the bound token which hooks it must call. A token that does not listen (e.g. a T-REX
    /// token) keeps calling every hook, which stays correct.
    function _pushHookMask(ComplianceStorage storage $) private {
        uint8 mask = _hookMask($);
        emit HookMaskChanged(mask);
        address token = $.token;
        if (token == address(0)) return;
        try IComplianceHooksListener(token).onComplianceHooksChanged(mask) {} catch {}
    }

    function _indexOf(ComplianceStorage storage $, address module) private view returns (uint256) {
        uint256 count = $.moduleCount;
        for (uint256 i = 0; i < count; ++i) {
            if ($.modules[i].module == module) return i;
        }
        return type(uint256).max;
    }

    function _s() private pure returns (ComplianceStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
