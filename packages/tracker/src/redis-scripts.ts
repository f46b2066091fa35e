/**
 * Lua scripts of the Redis registry and directory. Each runs atomically in
 * Redis, so a limit check and its insert cannot interleave with another
 * process. ARGV[1] is always the key prefix; keys are built inside the scripts
 * (fine on one Redis server; Redis Cluster would need hash tags).
 *
 * Layout (P = prefix):
 * - `P m:<swarm>`     hash peerId -> "socketId\nip\nprocess"
 * - `P ip:<swarm>`    hash ip -> members from that ip
 * - `P s:<socketId>`  hash swarm -> peerId the socket joined as
 * - `P swarms`        sorted set swarm -> member count; `P n`: total memberships
 * - `P alive:<proc>`  liveness key of a tracker process, expires after memberTtl
 * - `P procs`         set of processes; `P ps:<proc>` its sockets; `P pp:<proc>` its peer ids
 * - `P peer:<peerId>` "socketId\nprocess" owning the peer id; `P peers`: set of claimed ids
 * - `P conn:<ip>`     hash process -> open connections from that ip on that process
 */

const COMMON = `
local P = ARGV[1]
-- One EXISTS per process and script run, not per member read (a sample reads up to 100).
local live = {}
local function alive(proc)
  if live[proc] == nil then live[proc] = redis.call('EXISTS', P .. 'alive:' .. proc) == 1 end
  return live[proc]
end
local function split(v)
  return string.match(v, '^([^\\n]*)\\n([^\\n]*)\\n(.*)$')
end
local function owned(v, sid) return v and string.sub(v, 1, #sid + 1) == sid .. '\\n' end
local function detach(swarm, peerId)
  local mk = P .. 'm:' .. swarm
  local v = redis.call('HGET', mk, peerId)
  if not v then return false end
  local sid, ip = split(v)
  redis.call('HDEL', mk, peerId)
  if redis.call('HINCRBY', P .. 'ip:' .. swarm, ip, -1) <= 0 then
    redis.call('HDEL', P .. 'ip:' .. swarm, ip)
  end
  if tonumber(redis.call('ZINCRBY', P .. 'swarms', -1, swarm)) <= 0 then
    redis.call('ZREM', P .. 'swarms', swarm)
  end
  if redis.call('DECR', P .. 'n') <= 0 then redis.call('DEL', P .. 'n') end
  if redis.call('HGET', P .. 's:' .. sid, swarm) == peerId then
    redis.call('HDEL', P .. 's:' .. sid, swarm)
  end
  return sid
end
`;

/** ARGV: P, swarm, peerId, socketId, ip, proc, maxPeersPerIpPerSwarm, maxSwarmsPerSocket. */
export const ADD_SCRIPT = `${COMMON}
local swarm, peerId, sid, ip, proc = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local sk = P .. 's:' .. sid
local mk = P .. 'm:' .. swarm
local joinedAs = redis.call('HGET', sk, swarm)
if joinedAs then
  if owned(redis.call('HGET', mk, joinedAs), sid) then return 'EXISTS' end
  redis.call('HDEL', sk, swarm)
end
if redis.call('HLEN', sk) >= tonumber(ARGV[8]) then return 'TOO_MANY_SWARMS' end
if redis.call('HEXISTS', mk, peerId) == 1 then detach(swarm, peerId) end
if tonumber(redis.call('HGET', P .. 'ip:' .. swarm, ip) or '0') >= tonumber(ARGV[7]) then
  return 'TOO_MANY_PEERS_FROM_IP'
end
redis.call('HSET', mk, peerId, sid .. '\\n' .. ip .. '\\n' .. proc)
redis.call('HINCRBY', P .. 'ip:' .. swarm, ip, 1)
redis.call('ZINCRBY', P .. 'swarms', 1, swarm)
redis.call('INCR', P .. 'n')
redis.call('HSET', sk, swarm, peerId)
redis.call('SADD', P .. 'ps:' .. proc, sid)
return 'ADDED'
`;

/** ARGV: P, swarm, socketId. Returns 1 when the socket left the swarm. */
export const REMOVE_SCRIPT = `${COMMON}
local swarm, sid = ARGV[2], ARGV[3]
local peerId = redis.call('HGET', P .. 's:' .. sid, swarm)
if not peerId then return 0 end
if not owned(redis.call('HGET', P .. 'm:' .. swarm, peerId), sid) then
  redis.call('HDEL', P .. 's:' .. sid, swarm)
  return 0
end
detach(swarm, peerId)
return 1
`;

/** ARGV: P, socketId, proc. Returns the swarms the socket actually left. */
export const REMOVE_SOCKET_SCRIPT = `${COMMON}
local sid, proc = ARGV[2], ARGV[3]
local sk = P .. 's:' .. sid
local pairs_ = redis.call('HGETALL', sk)
local left = {}
for i = 1, #pairs_, 2 do
  local swarm, peerId = pairs_[i], pairs_[i + 1]
  if owned(redis.call('HGET', P .. 'm:' .. swarm, peerId), sid) then
    detach(swarm, peerId)
    table.insert(left, swarm)
  end
end
redis.call('DEL', sk)
redis.call('SREM', P .. 'ps:' .. proc, sid)
return left
`;

/** ARGV: P, swarm, peerId. The live member's "socketId\nip\nprocess", or nil (a dead process's member is dropped). */
export const FIND_SCRIPT = `${COMMON}
local swarm, peerId = ARGV[2], ARGV[3]
local v = redis.call('HGET', P .. 'm:' .. swarm, peerId)
if not v then return false end
local _, _, proc = split(v)
if alive(proc) then return v end
detach(swarm, peerId)
return false
`;

/** ARGV: P, swarm, socketId. 1 when the socket is a member. */
export const IS_MEMBER_SCRIPT = `${COMMON}
local swarm, sid = ARGV[2], ARGV[3]
local peerId = redis.call('HGET', P .. 's:' .. sid, swarm)
if not peerId then return 0 end
if owned(redis.call('HGET', P .. 'm:' .. swarm, peerId), sid) then return 1 end
return 0
`;

/** ARGV: P, swarm, count, excludePeerId. Up to count live peer ids; dead processes' members are dropped. */
export const SAMPLE_SCRIPT = `${COMMON}
local swarm, count, exclude = ARGV[2], tonumber(ARGV[3]), ARGV[4]
local out, seen = {}, {}
for attempt = 1, 3 do
  local got = redis.call('HRANDFIELD', P .. 'm:' .. swarm, count + 1 - #out, 'WITHVALUES')
  if #got == 0 then break end
  local dropped = false
  for i = 1, #got, 2 do
    local peerId, v = got[i], got[i + 1]
    if peerId ~= exclude and not seen[peerId] and #out < count then
      local _, _, proc = split(v)
      if alive(proc) then
        seen[peerId] = true
        table.insert(out, peerId)
      else
        detach(swarm, peerId)
        dropped = true
      end
    end
  end
  if not dropped or #out >= count then break end
end
return out
`;

/**
 * ARGV: P. Removes every member and peer id of processes whose liveness key
 * expired; returns "swarm\npeerId" of each dropped membership.
 */
export const SWEEP_SCRIPT = `${COMMON}
local dropped = {}
for _, proc in ipairs(redis.call('SMEMBERS', P .. 'procs')) do
  if not alive(proc) then
    for _, sid in ipairs(redis.call('SMEMBERS', P .. 'ps:' .. proc)) do
      local sk = P .. 's:' .. sid
      local pairs_ = redis.call('HGETALL', sk)
      for i = 1, #pairs_, 2 do
        local swarm, peerId = pairs_[i], pairs_[i + 1]
        if owned(redis.call('HGET', P .. 'm:' .. swarm, peerId), sid) then
          detach(swarm, peerId)
          table.insert(dropped, swarm .. '\\n' .. peerId)
        end
      end
      redis.call('DEL', sk)
    end
    for _, peerId in ipairs(redis.call('SMEMBERS', P .. 'pp:' .. proc)) do
      local v = redis.call('GET', P .. 'peer:' .. peerId)
      if v and string.sub(v, -#proc - 1) == '\\n' .. proc then
        redis.call('DEL', P .. 'peer:' .. peerId)
        redis.call('SREM', P .. 'peers', peerId)
      end
    end
    redis.call('DEL', P .. 'ps:' .. proc, P .. 'pp:' .. proc)
    redis.call('SREM', P .. 'procs', proc)
  end
end
return dropped
`;

/** ARGV: P, peerId, socketId, proc, replace ('1' or '0'). Returns {1, previousSocketId?} or {0}. */
export const CLAIM_SCRIPT = `${COMMON}
local peerId, sid, proc, replace = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local k = P .. 'peer:' .. peerId
local v = redis.call('GET', k)
local previous = false
if v then
  local osid, oproc = string.match(v, '^([^\\n]*)\\n(.*)$')
  if osid ~= sid and alive(oproc) then
    if replace ~= '1' then return {0} end
    previous = osid
  end
end
redis.call('SET', k, sid .. '\\n' .. proc)
redis.call('SADD', P .. 'peers', peerId)
redis.call('SADD', P .. 'pp:' .. proc, peerId)
if previous then return {1, previous} end
return {1}
`;

/** ARGV: P, peerId, socketId, proc. */
export const RELEASE_SCRIPT = `${COMMON}
local peerId, sid, proc = ARGV[2], ARGV[3], ARGV[4]
local k = P .. 'peer:' .. peerId
if redis.call('GET', k) == sid .. '\\n' .. proc then
  redis.call('DEL', k)
  redis.call('SREM', P .. 'peers', peerId)
  redis.call('SREM', P .. 'pp:' .. proc, peerId)
end
return 0
`;

/** ARGV: P, peerId. 1 when a live process's socket owns the peer id. */
export const IS_CLAIMED_SCRIPT = `${COMMON}
local v = redis.call('GET', P .. 'peer:' .. ARGV[2])
if not v then return 0 end
local _, proc = string.match(v, '^([^\\n]*)\\n(.*)$')
if alive(proc) then return 1 end
return 0
`;

/** Expiry of a `conn:<ip>` hash after its last connect: a crashed process's counts do not linger. */
const CONN_KEY_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * ARGV: P, ip, proc, maxSocketsPerIp. Counts the ip's connections on live processes (dropping
 * dead ones) and takes one more when under the limit: 1, else 0.
 */
export const CONNECT_SCRIPT = `${COMMON}
local key = P .. 'conn:' .. ARGV[2]
local counts = redis.call('HGETALL', key)
local total = 0
for i = 1, #counts, 2 do
  if alive(counts[i]) then total = total + tonumber(counts[i + 1])
  else redis.call('HDEL', key, counts[i]) end
end
if total >= tonumber(ARGV[4]) then return 0 end
redis.call('HINCRBY', key, ARGV[3], 1)
redis.call('PEXPIRE', key, ${CONN_KEY_TTL_MS})
return 1
`;

/** ARGV: P, ip, proc. Gives back a connection counted by CONNECT_SCRIPT. */
export const DISCONNECT_SCRIPT = `${COMMON}
local key = P .. 'conn:' .. ARGV[2]
if redis.call('HINCRBY', key, ARGV[3], -1) <= 0 then redis.call('HDEL', key, ARGV[3]) end
return 1
`;
