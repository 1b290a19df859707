// URLs of Datasette rows, shared by the site's scripts.

// Datasette's row URLs encode primary keys this way (datasette.utils.tilde_encode): letters, digits,
// "_" and "-" stay, a space becomes "+", every other UTF-8 byte becomes ~XX.
export const tildeEncode = (text) =>
  Array.from(new TextEncoder().encode(String(text)), (byte) => {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9_-]/.test(char)) return char;
    if (char === " ") return "+";
    return "~" + byte.toString(16).toUpperCase().padStart(2, "0");
  }).join("");
