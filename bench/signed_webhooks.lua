-- wrk script: POST Standard Webhooks deliveries, each with its own webhook-id.
--
-- wrk -s bench/signed_webhooks.lua URL -- BODY_FILE KEY_HEX COUNT TAG
--
-- Each thread signs COUNT deliveries of the body in BODY_FILE with HMAC-SHA256
-- (key given in hex) before the clock starts, then sends them in turn. Ids are
-- TAG-<thread>-<n>, so no two requests of a run share one unless COUNT runs out.

local bit = require("bit")
local band, bor, bxor, bnot = bit.band, bit.bor, bit.bxor, bit.bnot
local ror, rshift, lshift, tobit = bit.ror, bit.rshift, bit.lshift, bit.tobit

local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
  0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
  0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
  0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
  0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
}

local function be32(x)
  return string.char(band(rshift(x, 24), 255), band(rshift(x, 16), 255),
                     band(rshift(x, 8), 255), band(x, 255))
end

local function padded(message)
  local length = #message
  local zeros = (64 - (length + 9) % 64) % 64
  local bits = length * 8
  return message .. "\128" .. string.rep("\0", zeros)
         .. be32(math.floor(bits / 4294967296)) .. be32(bits % 4294967296)
end

local function compress(block, at, H, w)
  for j = 0, 15 do
    local a, b, c, d = string.byte(block, at + j * 4, at + j * 4 + 3)
    w[j] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
  end
  for j = 16, 63 do
    local x, y = w[j - 15], w[j - 2]
    local s0 = bxor(ror(x, 7), ror(x, 18), rshift(x, 3))
    local s1 = bxor(ror(y, 17), ror(y, 19), rshift(y, 10))
    w[j] = tobit(w[j - 16] + s0 + w[j - 7] + s1)
  end
  local a, b, c, d, e, f, g, h = H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8]
  for j = 0, 63 do
    local s1 = bxor(ror(e, 6), ror(e, 11), ror(e, 25))
    local choice = bxor(band(e, f), band(bnot(e), g))
    local t1 = tobit(h + s1 + choice + K[j + 1] + w[j])
    local s0 = bxor(ror(a, 2), ror(a, 13), ror(a, 22))
    local majority = bxor(band(a, b), band(a, c), band(b, c))
    local t2 = tobit(s0 + majority)
    h, g, f, e, d, c, b, a = g, f, e, tobit(d + t1), c, b, a, tobit(t1 + t2)
  end
  H[1], H[2], H[3], H[4] = tobit(H[1] + a), tobit(H[2] + b), tobit(H[3] + c), tobit(H[4] + d)
  H[5], H[6], H[7], H[8] = tobit(H[5] + e), tobit(H[6] + f), tobit(H[7] + g), tobit(H[8] + h)
end

local function sha256(message)
  local H = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  }
  local data, w = padded(message), {}
  for at = 1, #data, 64 do
    compress(data, at, H, w)
  end
  local out = {}
  for i = 1, 8 do out[i] = be32(H[i]) end
  return table.concat(out)
end

local function xor_key(key, byte)
  local out = {}
  for i = 1, 64 do out[i] = string.char(bxor(string.byte(key, i), byte)) end
  return table.concat(out)
end

local function hmac_sha256(key, message)
  key = key .. string.rep("\0", 64 - #key)  -- keys here are 32 bytes
  return sha256(xor_key(key, 0x5c) .. sha256(xor_key(key, 0x36) .. message))
end

local ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(raw)
  local out = {}
  for i = 1, #raw, 3 do
    local a, b, c = string.byte(raw, i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    for k = 3, 0, -1 do
      local index = math.floor(n / 64 ^ k) % 64
      out[#out + 1] = ALPHABET:sub(index + 1, index + 1)
    end
    if not b then out[#out - 1], out[#out] = "=", "=" elseif not c then out[#out] = "=" end
  end
  return table.concat(out)
end

local function from_hex(text)
  return (text:gsub("..", function(pair) return string.char(tonumber(pair, 16)) end))
end

local threads = 0

function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

local prepared, next_one = {}, 1

function init(args)
  local handle = assert(io.open(args[1], "rb"))
  local body = handle:read("*a")
  handle:close()
  local key, count, tag = from_hex(args[2]), tonumber(args[3]), args[4]
  local timestamp = tostring(os.time())
  for n = 1, count do
    local id = string.format("%s-%d-%d", tag, number, n)
    local signature = base64(hmac_sha256(key, id .. "." .. timestamp .. "." .. body))
    prepared[n] = wrk.format("POST", nil, {
      ["Content-Type"] = "application/json",
      ["webhook-id"] = id,
      ["webhook-timestamp"] = timestamp,
      ["webhook-signature"] = "v1," .. signature,
    }, body)
  end
end

function request()
  local chosen = prepared[next_one]
  next_one = next_one % #prepared + 1
  return chosen
end
