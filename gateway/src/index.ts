export { loadGatewayConfig, type GatewayConfig } from './config';
export { startGateway, type GatewayHandle } from './gateway';
