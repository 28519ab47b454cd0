// Drives Inkwell with the unmodified `wpapi` npm package, as an app written for WordPress
// would: create, read, update, list, upload media, delete. Prints what it saw as JSON.
// Usage: node rest_client.js <site URL> <username> <application password> <png path>
const WPAPI = require("wpapi");

async function main() {
  const [site, username, password, png] = process.argv.slice(2);
  const wp = new WPAPI({ endpoint: `${site}/wp-json`, username, password });
  const seen = {};
  const category = await wp.categories().create({ name: "Client made" });
  const post = await wp.posts().create({
    title: "Written by wpapi",
    content: "<p>Hello from a REST client.</p>",
    status: "publish",
    categories: [category.id],
  });
  seen.created = { id: post.id, status: post.status, title: post.title.raw };
  const updated = await wp.posts().id(post.id).update({ title: "Edited by wpapi" });
  seen.updated = updated.title.raw;
  const listed = await wp.posts().categories(category.id).perPage(5).get();
  seen.listed = listed.map((p) => p.id);
  seen.total = listed._paging && listed._paging.total;
  const read = await wp.posts().id(post.id).get();
  seen.read = read.title.rendered;
  const media = await wp.media().file(png, "harbour.png").create({ title: "Harbour" });
  seen.media = { id: media.id, type: media.media_type, width: media.media_details.width };
  const trashed = await wp.posts().id(post.id).delete();
  seen.trashed = trashed.status;
  try {
    await wp.posts().id(999999).get();
  } catch (error) {
    seen.missing = error.code;
  }
  console.log(JSON.stringify(seen));
}

main().catch((error) => {
  console.error(error && (error.stack || JSON.stringify(error)));
  process.exit(1);
});
