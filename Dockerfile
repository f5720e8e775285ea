# The adapter's image: compiled with the dev dependencies, run with the production ones, as the
# unprivileged `node` user. NODE_IMAGE is any Node 20.19+ image with npm and a `node` user (the
# official ones have it); the name carries no registry host, so the builder's own configuration
# says where it comes from (`--build-arg NODE_IMAGE=…` for a mirror or a local image).
ARG NODE_IMAGE=node:22-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
# Follows PORT (and HOST when it names one interface), as the server does.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD ["node", "-e", "const h=process.env.HOST;const host=!h||h==='0.0.0.0'||h==='::'?'127.0.0.1':h.includes(':')?'['+h+']':h;fetch('http://'+host+':'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains (see the README's shutdown section) within SHUTDOWN_GRACE_MS, 8 s by default: under Docker's 10 s.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
