export * from './sessions';
export * from './vault';
export { verifyIntegratorLogin, creditBalanceOf } from './integratorLogin';
