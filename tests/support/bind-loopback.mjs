// Preloaded into third-party servers that listen on a bare port (every interface): binds them to
// 127.0.0.1 instead, so that tests never open a port beyond the loopback interface.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [port, host] = args;
  const barePort = typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port));
  if (barePort && typeof host !== 'string') args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};
